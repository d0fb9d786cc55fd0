using McpStack.Api;
using McpStack.Data;

if (args.Contains("healthcheck"))
{
    return await McpStack.Hosting.HealthProbe.RunAsync();
}

var app = ApiApp.Build(args);

// `dotnet run --project src/McpStack.Api -- migrate` applies the migrations and exits.
if (args.Contains("migrate"))
{
    await app.Services.MigrateDatabaseAsync();
    return 0;
}

if (app.Environment.IsDevelopment())
{
    await app.Services.MigrateDatabaseAsync();
}

await app.RunAsync();
return 0;
