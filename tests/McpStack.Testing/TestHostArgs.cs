namespace McpStack.Testing;

/// <summary>
/// The command-line settings every service under test gets: its address, database, trusted issuers and quiet logs.
/// Services run as the Dockerfiles run them (Production) unless a test adds <c>--environment=Development</c>, as
/// <c>./run.sh</c> starts them; suites where the two differ run in both.
/// </summary>
public static class TestHostArgs
{
    public static IEnumerable<string> Common(string project, string baseUrl, TestDatabase database, IEnumerable<(string Issuer, string JwksUrl)> issuers)
    {
        yield return "--environment=Production";
        // The project folder, as under `dotnet run`: its appsettings.json applies, not whichever copy landed in the test output.
        yield return $"--contentRoot={Path.Combine(RepoPaths.Root, "src", project)}";
        yield return $"--urls={baseUrl}";
        yield return $"--DATABASE_URL={database.Url}";
        yield return "--Auth:RequireHttpsMetadata=false";
        yield return "--Auth:JwksMinimumRefreshInterval=00:00:01";
        // MCPSTACK_TEST_LOGS=1 shows the servers' own logs in the test output, for debugging.
        yield return $"--Logging:LogLevel:Default={(Environment.GetEnvironmentVariable("MCPSTACK_TEST_LOGS") == "1" ? "Debug" : "Warning")}";
        var i = 0;
        foreach (var (issuer, jwksUrl) in issuers)
        {
            yield return $"--Auth:Issuers:{i}:Issuer={issuer}";
            yield return $"--Auth:Issuers:{i}:JwksUrl={jwksUrl}";
            i++;
        }
    }
}
