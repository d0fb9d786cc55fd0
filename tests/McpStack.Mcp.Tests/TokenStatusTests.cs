using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using McpStack.Testing;

namespace McpStack.Mcp.Tests;

/// <summary>
/// Tokens of an issuer with a token status endpoint (the web tier, for MCP clients) are asked about on every request:
/// a user who disconnects an app stops its next call, though its token is still well signed and unexpired.
/// </summary>
public sealed class TokenStatusTests
{
    private const string List = """{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}}""";

    private static async Task<HttpResponseMessage> PostAsync(McpServerHost server, string token)
    {
        using var client = server.CreateClient(token);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/mcp") { Content = new StringContent(List, Encoding.UTF8, "application/json") };
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");
        return await client.SendAsync(request);
    }

    [Fact]
    public async Task A_disconnected_users_token_is_refused_at_its_next_call_and_other_users_are_unaffected()
    {
        await using var issuer = await TestIssuer.StartAsync();
        await using var database = await TestDatabase.CreateAsync(McpStack.Data.DatabaseProvider.Sqlite);
        await using var server = await McpServerHost.StartAsync(database, issuer, $"--Auth:Issuers:0:TokenStatusUrl={issuer.TokenStatusUrl}");
        var alice = issuer.CreateToken("alice", server.ResourceUrl);
        var bob = issuer.CreateToken("bob", server.ResourceUrl);

        using (var allowed = await PostAsync(server, alice)) Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        using (var again = await PostAsync(server, alice)) Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        // Asked every time: a remembered signature check does not remember the answer.
        Assert.Equal(2, issuer.TokenStatusRequests);

        issuer.Disconnect("alice");
        using var refused = await PostAsync(server, alice);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("Bearer", refused.Headers.WwwAuthenticate.Single().Scheme);
        using (var other = await PostAsync(server, bob)) Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task When_the_token_status_endpoint_cannot_be_reached_the_call_is_refused_with_503_not_let_through()
    {
        await using var issuer = await TestIssuer.StartAsync();
        await using var database = await TestDatabase.CreateAsync(McpStack.Data.DatabaseProvider.Sqlite);
        var nowhere = $"http://127.0.0.1:{FreePort.Next()}/token-status";
        await using var server = await McpServerHost.StartAsync(database, issuer, $"--Auth:Issuers:0:TokenStatusUrl={nowhere}");

        using var response = await PostAsync(server, issuer.CreateToken("alice", server.ResourceUrl));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(response.Headers.RetryAfter);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("The sign-in service is not reachable.", problem.GetProperty("title").GetString());
        Assert.DoesNotContain("   at ", problem.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_issuer_without_a_token_status_endpoint_is_never_asked()
    {
        await using var issuer = await TestIssuer.StartAsync();
        await using var database = await TestDatabase.CreateAsync(McpStack.Data.DatabaseProvider.Sqlite);
        await using var server = await McpServerHost.StartAsync(database, issuer);
        issuer.Disconnect("alice");

        using var response = await PostAsync(server, issuer.CreateToken("alice", server.ResourceUrl));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, issuer.TokenStatusRequests);
    }
}
