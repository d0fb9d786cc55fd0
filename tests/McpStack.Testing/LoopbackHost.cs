using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;

namespace McpStack.Testing;

/// <summary>A service under test, started in-process on Kestrel at a loopback address.</summary>
public abstract class LoopbackHost(WebApplication app, string baseUrl) : IAsyncDisposable
{
    public string BaseUrl { get; } = baseUrl;

    public IServiceProvider Services => app.Services;

    /// <summary>A plain HTTP client for the service, presenting <paramref name="token"/> when given.</summary>
    public HttpClient CreateClient(string? token = null)
    {
        var client = new HttpClient { BaseAddress = new Uri(BaseUrl) };
        if (token is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>
    /// What <c>app.Run</c> does after start, as the published service runs: waits until the service is asked to stop
    /// (<c>IHostApplicationLifetime.StopApplication</c>, which SIGTERM leads to), then stops it.
    /// </summary>
    public Task WaitForShutdownAsync() => app.WaitForShutdownAsync();

    private int _disposed;

    /// <summary>Stops the service; a test may stop it early (an outage), so a second call does nothing.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        await app.StopAsync();
        await app.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}

public static class Eventually
{
    /// <summary>Polls <paramref name="probe"/> until it returns <paramref name="expected"/> or <paramref name="timeout"/> passes; returns the last value.</summary>
    public static async Task<T> WaitForAsync<T>(Func<Task<T>> probe, T expected, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var value = await probe();
        while (!EqualityComparer<T>.Default.Equals(value, expected) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
            value = await probe();
        }
        return value;
    }
}
