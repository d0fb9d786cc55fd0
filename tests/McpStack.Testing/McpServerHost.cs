using McpStack.Data;
using McpStack.Mcp;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Client;

namespace McpStack.Testing;

/// <summary>The real MCP server on Kestrel, on a free loopback port, trusting a <see cref="TestIssuer"/>.</summary>
public sealed class McpServerHost(WebApplication app, string baseUrl) : LoopbackHost(app, baseUrl)
{
    /// <summary>The endpoint, which is also the audience tokens for this server must name.</summary>
    public string ResourceUrl => BaseUrl + McpServerApp.Path;

    public static Task<McpServerHost> StartAsync(TestDatabase database, TestIssuer issuer, params string[] extraArgs) =>
        StartAsync(database, [(issuer.Issuer, issuer.JwksUrl)], $"http://127.0.0.1:{FreePort.Next()}", extraArgs);

    /// <summary>Starts the server at <paramref name="baseUrl"/>, trusting <paramref name="issuers"/> (issuer, JWKS URL).</summary>
    public static Task<McpServerHost> StartAsync(
        TestDatabase database, IEnumerable<(string Issuer, string JwksUrl)> issuers, string baseUrl, params string[] extraArgs) =>
        StartAsync(database, issuers, baseUrl, configureMcp: null, extraArgs);

    /// <summary>As above, with additions to the MCP server (fixtures only a test should have).</summary>
    public static async Task<McpServerHost> StartAsync(
        TestDatabase database, IEnumerable<(string Issuer, string JwksUrl)> issuers, string baseUrl, Action<IMcpServerBuilder>? configureMcp, params string[] extraArgs)
    {
        string[] args =
        [
            .. TestHostArgs.Common("McpStack.Mcp", baseUrl, database, issuers),
            $"--Mcp:ResourceUrl={baseUrl}{McpServerApp.Path}",
            .. extraArgs,
        ];
        var app = McpServerApp.Build(args, configureMcp);
        await app.StartAsync();
        return new McpServerHost(app, baseUrl);
    }

    /// <summary>An MCP client (the official SDK's) that presents <paramref name="token"/>, with <paramref name="options"/> (its protocol revision, its handlers).</summary>
    public async Task<McpClient> ConnectAsync(string token, McpClientOptions? options = null, CancellationToken cancellationToken = default)
    {
        var transport = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = new Uri(ResourceUrl),
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = $"Bearer {token}" },
        });
        return await McpClient.CreateAsync(transport, options, cancellationToken: cancellationToken);
    }
}
