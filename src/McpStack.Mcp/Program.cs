using McpStack.Data;
using McpStack.Mcp;

if (args.Contains("healthcheck"))
{
    return await McpStack.Hosting.HealthProbe.RunAsync();
}

var app = McpServerApp.Build(args);

// `dotnet run --project src/McpStack.Mcp -- migrate` applies the migrations and exits.
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
