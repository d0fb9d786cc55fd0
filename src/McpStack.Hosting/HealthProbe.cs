namespace McpStack.Hosting;

/// <summary>
/// `dotnet McpStack.X.dll healthcheck`: asks the running service's liveness probe and exits 0 or 1. The runtime
/// image has no curl, so container health checks use this.
/// </summary>
public static class HealthProbe
{
    public static async Task<int> RunAsync(CancellationToken cancellationToken = default)
    {
        var url = LocalUrl(Environment.GetEnvironmentVariable("ASPNETCORE_URLS"), Environment.GetEnvironmentVariable("ASPNETCORE_HTTP_PORTS"));
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
            using var response = await http.GetAsync(new Uri(new Uri(url), "/health"), cancellationToken);
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            await Console.Error.WriteLineAsync($"{url}/health: {e.Message}");
            return 1;
        }
    }

    /// <summary>The address to probe from inside the container: the first configured URL, with a wildcard host as localhost.</summary>
    public static string LocalUrl(string? urls, string? httpPorts)
    {
        var first = urls?.Split(';', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        if (first is null)
        {
            var port = httpPorts?.Split(';', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "8080";
            return $"http://localhost:{port}";
        }
        return first.Replace("://+", "://localhost", StringComparison.Ordinal)
            .Replace("://*", "://localhost", StringComparison.Ordinal)
            .Replace("://0.0.0.0", "://localhost", StringComparison.Ordinal)
            .Replace("://[::]", "://localhost", StringComparison.Ordinal)
            .TrimEnd('/');
    }
}
