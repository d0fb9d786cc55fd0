using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.Memory;

namespace McpStack.Hosting;

public static class ConfigurationAliases
{
    /// <summary>
    /// Adds values under their configuration keys, ranked above appsettings files and below environment variables
    /// in ASP.NET Core's own naming and the command line. Used to honour the Python pattern's variable names
    /// (<c>BETTER_AUTH_ISSUER</c>, <c>MCP_SERVER_URL</c>…) without letting them override explicit settings.
    /// Null values are skipped.
    /// </summary>
    public static void AddAliases(this IConfigurationBuilder configuration, params (string Key, string? Value)[] values)
    {
        var data = values.Where(v => !string.IsNullOrWhiteSpace(v.Value)).Select(v => new KeyValuePair<string, string?>(v.Key, v.Value!.Trim()));
        var source = new MemoryConfigurationSource { InitialData = data };
        // The unprefixed environment source comes after the appsettings files (the ASPNETCORE_-prefixed one comes before them).
        var index = configuration.Sources.ToList().FindLastIndex(s => s is EnvironmentVariablesConfigurationSource { Prefix: null or "" });
        if (index < 0) configuration.Sources.Add(source);
        else configuration.Sources.Insert(index, source);
    }
}
