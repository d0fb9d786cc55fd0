using McpStack.Data;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace McpStack.Hosting;

/// <summary>What `dotnet McpStack.X.dll [command]` does, the same for api and mcp.</summary>
public static class ServiceProgram
{
    /// <summary>
    /// <c>healthcheck</c>: probe the running service and exit 0/1. <c>migrate</c>: apply the migrations and exit.
    /// Otherwise run the service, applying the migrations first in Development.
    /// </summary>
    public static async Task<int> RunAsync(string[] args, Func<string[], WebApplication> build)
    {
        ArgumentNullException.ThrowIfNull(build);
        if (args.Contains("healthcheck"))
        {
            return await HealthProbe.RunAsync();
        }

        var app = build(args);
        if (args.Contains("migrate"))
        {
            await app.Services.MigrateDatabaseAsync();
            app.Logger.LogInformation("Database migrated ({Database}).", app.Services.GetRequiredService<DatabaseConnection>().Redacted);
            return 0;
        }
        if (app.Environment.IsDevelopment())
        {
            await app.Services.MigrateDatabaseAsync();
        }
        await app.RunAsync();
        return 0;
    }
}
