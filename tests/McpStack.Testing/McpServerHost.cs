using System.Net.Http.Headers;
using McpStack.Data;
using McpStack.Mcp;
using Microsoft.AspNetCore.Builder;
using ModelContextProtocol.Client;

namespace McpStack.Testing;

/// <summary>The real MCP server on Kestrel, on a free loopback port, trusting a <see cref="TestIssuer"/>.</summary>
public sealed class McpServerHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private McpServerHost(WebApplication app, string baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    public string BaseUrl { get; }

    /// <summary>The endpoint, which is also the audience tokens for this server must name.</summary>
    public string ResourceUrl => BaseUrl + McpServerApp.Path;

    public IServiceProvider Services => _app.Services;

    public static Task<McpServerHost> StartAsync(TestDatabase database, TestIssuer issuer, params string[] extraArgs) =>
        StartAsync(database, [(issuer.Issuer, issuer.JwksUrl)], $"http://127.0.0.1:{FreePort.Next()}", extraArgs);

    /// <summary>Starts the server at <paramref name="baseUrl"/>, trusting <paramref name="issuers"/> (issuer, JWKS URL).</summary>
    public static async Task<McpServerHost> StartAsync(
        TestDatabase database, IEnumerable<(string Issuer, string JwksUrl)> issuers, string baseUrl, params string[] extraArgs)
    {
        string[] args =
        [
            .. TestHostArgs.Common("McpStack.Mcp", baseUrl, database, issuers),
            $"--Mcp:ResourceUrl={baseUrl}{McpServerApp.Path}",
            .. extraArgs,
        ];
        var app = McpServerApp.Build(args);
        await app.StartAsync();
        return new McpServerHost(app, baseUrl);
    }

    /// <summary>An MCP client (the official SDK's) that presents <paramref name="token"/>.</summary>
    public async Task<McpClient> ConnectAsync(string token, CancellationToken cancellationToken = default)
    {
        var transport = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = new Uri(ResourceUrl),
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = $"Bearer {token}" },
        });
        return await McpClient.CreateAsync(transport, cancellationToken: cancellationToken);
    }

    /// <summary>A plain HTTP client for the raw protocol (status codes, headers).</summary>
    public HttpClient CreateHttpClient(string? token = null)
    {
        var client = new HttpClient { BaseAddress = new Uri(BaseUrl) };
        if (token is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
