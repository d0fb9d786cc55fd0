using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace McpStack.Testing;

/// <summary>
/// A loopback reverse proxy that adds a bearer token to every request, for clients that cannot send one
/// (the MCP conformance suite). The server behind it keeps its production authentication unchanged.
/// Host and Origin pass through as sent, so origin checks still see what the client sent.
/// </summary>
public sealed class AuthInjectingProxy : IAsyncDisposable
{
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Authorization", "Connection", "Transfer-Encoding", "Keep-Alive", "Upgrade", "Content-Length",
    };

    private readonly WebApplication _app;
    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = Timeout.InfiniteTimeSpan };

    private AuthInjectingProxy(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    public static async Task<AuthInjectingProxy> StartAsync(string targetBaseUrl, string token, int? port = null)
    {
        port ??= FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var proxy = new AuthInjectingProxy(app, port.Value);
        app.Run(context => proxy.ForwardAsync(context, targetBaseUrl, token));
        await app.StartAsync();
        return proxy;
    }

    private async Task ForwardAsync(HttpContext context, string target, string token)
    {
        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), target + context.Request.Path + context.Request.QueryString);
        if (context.Request.ContentLength > 0 || context.Request.Headers.ContainsKey("Transfer-Encoding"))
        {
            request.Content = new StreamContent(context.Request.Body);
        }
        foreach (var (name, values) in context.Request.Headers)
        {
            if (HopByHop.Contains(name)) continue;
            if (!request.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                request.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }
        request.Headers.Host = context.Request.Host.Value;
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);

        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            if (HopByHop.Contains(name)) continue;
            context.Response.Headers[name] = values.ToArray();
        }
        // Copy as it arrives: MCP answers are server-sent event streams.
        await using var body = await response.Content.ReadAsStreamAsync(context.RequestAborted);
        var buffer = new byte[8192];
        int read;
        while ((read = await body.ReadAsync(buffer, context.RequestAborted)) > 0)
        {
            await context.Response.Body.WriteAsync(buffer.AsMemory(0, read), context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _http.Dispose();
    }
}
