using System.Net;
using System.Net.Http.Json;
using System.Text;
using McpStack.Api.DevTokens;
using McpStack.Data;
using McpStack.Testing;

namespace McpStack.Api.Tests;

/// <summary>
/// The development issuer a solution without the web tier runs on (<c>./run.sh token alice</c>): its tokens work at the
/// api and at the MCP server through <c>Auth:Issuers:N:JwksFile</c> as the same user, and nothing else of it does.
/// </summary>
public sealed class DevIssuerTests : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "mcpstack-dev-issuer-" + Guid.NewGuid().ToString("N"));
    private DevIssuerStack _stack = null!;

    public async Task InitializeAsync()
    {
        _stack = new DevIssuerStack(_folder);
        await _stack.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _stack.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    private string Token(string[] args, string? folder = null)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var status = DevIssuer.RunCommand([.. args, "--folder", folder ?? _folder], output, error, TimeProvider.System);
        Assert.True(status == 0, error.ToString());
        return output.ToString().Trim();
    }

    [Fact]
    public async Task Its_tokens_act_as_the_same_user_at_the_api_and_at_the_mcp_server()
    {
        var user = Http.NewUser("dev");
        using var api = _stack.Api.CreateClient(Token([user, "--audience", _stack.Api.Audience]));
        Assert.Equal(HttpStatusCode.Created, (await api.PostAsJsonAsync("/api/tasks", new { title = "Made with a dev token" })).StatusCode);

        using var mcp = _stack.Mcp.CreateClient(Token([user, "--audience", _stack.Mcp.ResourceUrl, "--scope", "tasks:read tasks:write"]));
        using var call = await mcp.SendAsync(McpRequest("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"list_tasks","arguments":{}}}"""));
        Assert.Equal(HttpStatusCode.OK, call.StatusCode);
        Assert.Contains("Made with a dev token", await call.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_folders_key_another_audience_and_the_api_token_at_the_mcp_server_are_refused()
    {
        var other = Path.Combine(Path.GetTempPath(), "mcpstack-dev-issuer-" + Guid.NewGuid().ToString("N"));
        try
        {
            using (var forged = _stack.Api.CreateClient(Token(["mallory", "--audience", _stack.Api.Audience], other)))
            {
                Assert.Equal(HttpStatusCode.Unauthorized, (await forged.GetAsync("/api/me")).StatusCode);
            }
            using (var elsewhere = _stack.Api.CreateClient(Token(["mallory", "--audience", "https://other-api.example"])))
            {
                Assert.Equal(HttpStatusCode.Unauthorized, (await elsewhere.GetAsync("/api/me")).StatusCode);
            }
            using var apiTokenAtMcp = _stack.Mcp.CreateClient(Token(["mallory", "--audience", _stack.Api.Audience, "--scope", "tasks:read"]));
            using var response = await apiTokenAtMcp.SendAsync(McpRequest("""{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}}"""));
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
        finally
        {
            if (Directory.Exists(other)) Directory.Delete(other, recursive: true);
        }
    }

    [Fact]
    public void The_key_is_made_once_readable_by_its_owner_only_and_kept()
    {
        var jwks = File.ReadAllText(Path.Combine(_folder, DevIssuer.JwksFileName));
        Token(["alice"]);
        Assert.Equal(jwks, File.ReadAllText(Path.Combine(_folder, DevIssuer.JwksFileName)));
        Assert.DoesNotContain("\"d\"", jwks, StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_folder, "signing-key.pem")));
        }
    }

    [Theory]
    [InlineData(new string[0], "give the user")]
    [InlineData(new[] { "a|b" }, "without '|'")]
    [InlineData(new[] { "alice", "bob" }, "one user at a time")]
    [InlineData(new[] { "alice", "--lifetime", "forever" }, "--lifetime must be")]
    [InlineData(new[] { "alice", "--lifetime", "2.00:00:00" }, "--lifetime must be")]
    [InlineData(new[] { "alice", "--colour" }, "unknown option --colour")]
    public void Bad_arguments_exit_2_saying_what_is_wrong(string[] args, string message)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        Assert.Equal(2, DevIssuer.RunCommand([.. args, "--folder", _folder], output, error, TimeProvider.System));
        Assert.Contains(message, error.ToString(), StringComparison.Ordinal);
        Assert.Empty(output.ToString());
    }

    private static HttpRequestMessage McpRequest(string json)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/mcp") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");
        return request;
    }

    /// <summary>The api and the MCP server trusting the dev issuer kept in <paramref name="folder"/>, beside the usual issuers.</summary>
    private sealed class DevIssuerStack(string folder) : StackFixture(DatabaseProvider.Sqlite)
    {
        private string[] TrustDevIssuer(int index) =>
        [
            $"--Auth:Issuers:{index}:Issuer={DevIssuer.IssuerName}",
            $"--Auth:Issuers:{index}:JwksFile={Path.Combine(folder, DevIssuer.JwksFileName)}",
            $"--Auth:Issuers:{index}:UserNamespace=",
        ];

        public override Task InitializeAsync()
        {
            DevIssuer.OpenOrCreate(folder);
            return base.InitializeAsync();
        }

        protected override string[] McpArgs => TrustDevIssuer(2);

        protected override Task<string[]> ApiArgsAsync() => Task.FromResult(TrustDevIssuer(1));
    }
}
