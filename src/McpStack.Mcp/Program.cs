using McpStack.Hosting;
using McpStack.Mcp;

// `dotnet run --project src/McpStack.Mcp -- migrate` applies the migrations and exits; `healthcheck` probes a running server.
return await ServiceProgram.RunAsync(args, a => McpServerApp.Build(a));
