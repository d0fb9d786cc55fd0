using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using McpStack.Testing;

namespace McpStack.Mcp.Tests;

/// <summary>
/// Scopes per tool: a read-only token lists tasks, a write gets the insufficient-scope challenge a client can step up
/// from; the protected-resource metadata lists the scopes and names only real authorization servers.
/// </summary>
public sealed class ScopeTests(SqliteMcpServer fixture) : IClassFixture<SqliteMcpServer>
{
    private async Task<HttpResponseMessage> PostAsync(string token, string body)
    {
        using var client = fixture.Server.CreateClient(token);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/mcp") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");
        return await client.SendAsync(request);
    }

    private static string Call(string tool, string arguments) =>
        $$$"""{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"{{{tool}}}","arguments":{{{arguments}}}}}""";

    private const string List = """{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}}""";

    private string Token(string user, string? scope, IDictionary<string, object>? claims = null) =>
        fixture.Issuer.CreateToken(user, fixture.Server.ResourceUrl, scope: scope, claims: claims);

    [Fact]
    public async Task A_read_only_token_lists_and_reads_but_a_write_gets_the_insufficient_scope_challenge()
    {
        var reader = Token("reader", "tasks:read");
        using (var list = await PostAsync(reader, List)) Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        using (var read = await PostAsync(reader, Call("list_tasks", "{}"))) Assert.Equal(HttpStatusCode.OK, read.StatusCode);

        using var write = await PostAsync(reader, Call("add_task", """{"title":"not allowed"}"""));
        Assert.Equal(HttpStatusCode.Forbidden, write.StatusCode);
        var challenge = write.Headers.WwwAuthenticate.Single();
        Assert.Equal("Bearer", challenge.Scheme);
        Assert.Contains("error=\"insufficient_scope\"", challenge.Parameter, StringComparison.Ordinal);
        // What the token has and what it lacks: the new token a client asks for keeps read.
        Assert.Contains("scope=\"tasks:read tasks:write\"", challenge.Parameter, StringComparison.Ordinal);
        Assert.Contains($"resource_metadata=\"{fixture.Server.BaseUrl}/.well-known/oauth-protected-resource/mcp\"", challenge.Parameter, StringComparison.Ordinal);

        // After the user grants write (a new token), the same call succeeds; nothing was added before.
        var writer = Token("reader", "tasks:read tasks:write");
        using var retried = await PostAsync(writer, Call("add_task", """{"title":"now allowed"}"""));
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        await using var client = await fixture.Server.ConnectAsync(writer);
        var tasks = await client.CallToolAsync("list_tasks", new Dictionary<string, object?>());
        Assert.Equal(["now allowed"], tasks.StructuredContent!.Value.GetProperty("tasks").EnumerateArray().Select(t => t.GetProperty("title").GetString()));
    }

    [Theory]
    [InlineData("add_task", "list_tasks")]
    [InlineData("list_tasks", "add_task")]
    public async Task A_call_that_names_its_tool_twice_is_invalid_params_and_runs_nothing(string first, string second)
    {
        // The scope check and the SDK could each read a different "name": a read-only token naming a write tool first.
        var reader = Token("twice", "tasks:read tasks:write");
        using var response = await PostAsync(reader,
            $$$$"""{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"{{{{first}}}}","name":"{{{{second}}}}","arguments":{"title":"twice"}}}""");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var message = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(9, message.GetProperty("id").GetInt32());
        Assert.Equal(-32602, message.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Contains("'name' appears more than once", message.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);

        await using var client = await fixture.Server.ConnectAsync(reader);
        var tasks = await client.CallToolAsync("list_tasks", new Dictionary<string, object?>());
        Assert.Equal(0, tasks.StructuredContent!.Value.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task A_token_without_scopes_may_connect_but_not_list_or_call()
    {
        var none = Token("scopeless", scope: null);
        using (var init = await PostAsync(none, """{"jsonrpc":"2.0","id":1,"method":"ping"}""")) Assert.Equal(HttpStatusCode.OK, init.StatusCode);
        using var list = await PostAsync(none, List);
        Assert.Equal(HttpStatusCode.Forbidden, list.StatusCode);
        Assert.Contains("scope=\"tasks:read\"", list.Headers.WwwAuthenticate.Single().Parameter, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scopes_given_as_an_scp_array_count_too()
    {
        var token = Token("scp", scope: null, claims: new Dictionary<string, object> { ["scp"] = new[] { "tasks:read", "tasks:write" } });
        using var write = await PostAsync(token, Call("add_task", """{"title":"via scp"}"""));
        Assert.Equal(HttpStatusCode.OK, write.StatusCode);
    }

    [Fact]
    public async Task The_metadata_lists_the_scopes_and_no_issuer_that_is_not_an_authorization_server()
    {
        using var client = fixture.Server.CreateClient();
        var metadata = await client.GetFromJsonAsync<JsonElement>("/.well-known/oauth-protected-resource/mcp");
        Assert.True(metadata.GetProperty("scopes_supported").GetArrayLength() == 2, metadata.GetRawText());
        Assert.Equal(["tasks:read", "tasks:write"], metadata.GetProperty("scopes_supported").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(fixture.Server.ResourceUrl, metadata.GetProperty("resource").GetString());
        Assert.DoesNotContain(fixture.Issuer.Issuer, metadata.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_issuer_marked_as_an_authorization_server_is_named_in_the_metadata()
    {
        await using var database = await TestDatabase.CreateAsync(McpStack.Data.DatabaseProvider.Sqlite);
        await using var server = await McpServerHost.StartAsync(database, fixture.Issuer, "--Auth:Issuers:0:AuthorizationServer=true");
        using var client = server.CreateClient();
        var metadata = await client.GetFromJsonAsync<JsonElement>("/.well-known/oauth-protected-resource/mcp");
        Assert.Equal([fixture.Issuer.Issuer], metadata.GetProperty("authorization_servers").EnumerateArray().Select(s => s.GetString()));
    }

    [Fact]
    public async Task A_browser_client_on_an_allowed_origin_gets_CORS_that_exposes_the_challenge()
    {
        await using var database = await TestDatabase.CreateAsync(McpStack.Data.DatabaseProvider.Sqlite);
        await using var server = await McpServerHost.StartAsync(database, fixture.Issuer, "--Mcp:AllowedOrigins:0=http://inspector.test");
        using var client = server.CreateClient();
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/mcp");
        preflight.Headers.Add("Origin", "http://inspector.test");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "authorization,content-type,mcp-protocol-version");
        using var allowed = await client.SendAsync(preflight);
        Assert.Equal("http://inspector.test", allowed.Headers.GetValues("Access-Control-Allow-Origin").Single());

        using var post = new HttpRequestMessage(HttpMethod.Post, "/mcp") { Content = new StringContent(List, Encoding.UTF8, "application/json") };
        post.Headers.Add("Origin", "http://inspector.test");
        using var unauthorized = await client.SendAsync(post);
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
        Assert.Contains("WWW-Authenticate", unauthorized.Headers.GetValues("Access-Control-Expose-Headers").Single(), StringComparison.OrdinalIgnoreCase);
    }
}
