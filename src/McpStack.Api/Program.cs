using McpStack.Api;
using McpStack.Hosting;

// `dotnet run --project src/McpStack.Api -- migrate` applies the migrations and exits; `healthcheck` probes a running api.
return await ServiceProgram.RunAsync(args, a => ApiApp.Build(a));
