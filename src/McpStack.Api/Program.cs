using McpStack.Api;
using McpStack.Data;

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
