using McpStack.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace McpStack.Testing;

/// <summary>The real api on Kestrel, on a loopback port, trusting a <see cref="TestIssuer"/> as the web tier's stand-in.</summary>
public sealed class ApiHost(WebApplication app, string baseUrl) : LoopbackHost(app, baseUrl)
{
    /// <summary>The audience browser tokens for the api must name.</summary>
    public string Audience => BaseUrl;

    public string JwksUrl => BaseUrl + "/.well-known/jwks.json";

    public static async Task<ApiHost> StartAsync(
        TestDatabase database, TestIssuer issuer, string baseUrl, string mcpServerUrl, string[] extraArgs, Action<IServiceCollection>? overrideServices = null)
    {
        string[] args =
        [
            .. TestHostArgs.Common("McpStack.Api", baseUrl, database, [(issuer.Issuer, issuer.JwksUrl)]),
            $"--Auth:Audience={baseUrl}",
            $"--Delegation:McpServerUrl={mcpServerUrl}",
            $"--Delegation:Issuer={baseUrl}",
            // Required outside Development (where the api generates one, which a Development test checks).
            .. extraArgs.Contains("--environment=Development") ? [] : new[] { $"--Delegation:SigningKeyPem={NewSigningKeyPem()}" },
            .. extraArgs,
        ];
        var app = ApiApp.Build(args, overrideServices);
        await app.StartAsync();
        return new ApiHost(app, baseUrl);
    }

    public static string NewSigningKeyPem()
    {
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        return key.ExportPkcs8PrivateKeyPem();
    }
}
