using McpStack.Api;
using McpStack.Api.DevTokens;
using McpStack.Hosting;

// `dotnet run --project src/McpStack.Api -- migrate` applies the migrations and exits; `healthcheck` probes a running api;
// `dev-token alice` prints a token of the development issuer (see DevIssuer), which only a solution's ./run.sh trusts.
if (args is ["dev-token", .. var rest])
{
    try
    {
        return DevIssuer.RunCommand(rest, Console.Out, Console.Error, TimeProvider.System);
    }
    catch (ArgumentException e)
    {
        Console.Error.WriteLine($"dev-token: {e.Message}");
        return 2;
    }
}
return await ServiceProgram.RunAsync(args, a => ApiApp.Build(a));
