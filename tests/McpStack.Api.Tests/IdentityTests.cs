using System.Net;
using System.Net.Http.Json;
using McpStack.Api.Profile;
using McpStack.Api.Tasks;
using McpStack.Data;
using McpStack.Data.Tasks;
using McpStack.Testing;

namespace McpStack.Api.Tests;

/// <summary>
/// The api trusts the web tier's issuer and a second one, as an operator who lets another identity provider in would
/// configure it; validated tokens are remembered for one second only, so withdrawal is quick to observe.
/// </summary>
public class TwoIssuerStack() : StackFixture(DatabaseProvider.Sqlite)
{
    public TestIssuer Other { get; private set; } = null!;

    protected override async Task<string[]> ApiArgsAsync()
    {
        Other = await TestIssuer.StartAsync();
        return
        [
            $"--Auth:Issuers:1:Issuer={Other.Issuer}", $"--Auth:Issuers:1:JwksUrl={Other.JwksUrl}",
            "--RateLimits:WritesPerMinute=3", "--Auth:ValidatedTokenCacheLifetime=00:00:01",
        ];
    }

    public HttpClient OtherClientFor(string user) => Api.CreateClient(Other.CreateToken(user, Api.Audience));

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Other.DisposeAsync();
    }
}

/// <summary>The same, as ./run.sh runs the tiers (Development).</summary>
public sealed class DevelopmentTwoIssuerStack : TwoIssuerStack
{
    protected override string EnvironmentName => "Development";
}

/// <summary>
/// A user is the pair (issuer, subject): the same <c>sub</c> from another trusted issuer is another user, at the api and
/// at the MCP server, with a rate budget of its own. A key withdrawn from the JWKS stops working.
/// </summary>
public abstract class IdentityTests<TStack>(TStack stack) where TStack : TwoIssuerStack
{
    [Fact]
    public async Task The_web_tiers_users_keep_their_bare_subject_as_id_so_existing_rows_stay_theirs()
    {
        using var client = stack.ClientFor("ivy");
        Assert.Equal("ivy", (await client.GetFromJsonAsync<MeResponse>("/api/me"))!.Id);
        using var other = stack.OtherClientFor("ivy");
        Assert.Equal($"{stack.Other.Issuer}|ivy", (await other.GetFromJsonAsync<MeResponse>("/api/me"))!.Id);
    }

    [Fact]
    public async Task The_same_subject_from_another_issuer_sees_and_changes_nothing_of_the_user()
    {
        var victim = Http.NewUser("victim");
        using var owner = stack.ClientFor(victim);
        using var created = await owner.PostAsJsonAsync("/api/tasks", new { title = "Mine alone" });
        var task = (await created.Content.ReadFromJsonAsync<TaskDto>())!;
        using (var chat = await owner.PostAsJsonAsync("/api/chat", new { message = "/list" })) Assert.Equal(HttpStatusCode.OK, chat.StatusCode);

        using var impostor = stack.OtherClientFor(victim);
        Assert.Equal(0, (await impostor.GetFromJsonAsync<TaskListResponse>("/api/tasks"))!.Total);
        Assert.Equal(HttpStatusCode.NotFound, (await impostor.GetAsync($"/api/tasks/{task.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await impostor.PatchAsJsonAsync($"/api/tasks/{task.Id}", new { title = "pwned" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await impostor.DeleteAsync($"/api/tasks/{task.Id}")).StatusCode);
        Assert.Equal("[]", await impostor.GetStringAsync("/api/conversations"));
        using var tool = await impostor.PostAsJsonAsync("/api/tools/complete_task", new { id = task.Id });
        Assert.Contains("No task", await tool.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var unchanged = await owner.GetFromJsonAsync<TaskDto>($"/api/tasks/{task.Id}");
        Assert.Equal(("Mine alone", 1, false), (unchanged!.Title, unchanged.Version, unchanged.Completed));
    }

    [Fact]
    public async Task At_the_MCP_server_a_direct_token_with_the_users_subject_is_another_user()
    {
        var victim = Http.NewUser("mcp-victim");
        using var owner = stack.ClientFor(victim);
        using var created = await owner.PostAsJsonAsync("/api/tasks", new { title = "Reached through the api" });
        var task = (await created.Content.ReadFromJsonAsync<TaskDto>())!;

        // The MCP server trusts the test issuer too (as it would an identity provider for MCP clients), under its own namespace.
        await using var impostor = await stack.Mcp.ConnectAsync(stack.Issuer.CreateToken(victim, stack.Mcp.ResourceUrl));
        var list = await impostor.CallToolAsync("list_tasks", new Dictionary<string, object?>());
        Assert.Equal(0, list.StructuredContent!.Value.GetProperty("total").GetInt32());
        var complete = await impostor.CallToolAsync("complete_task", new Dictionary<string, object?> { ["id"] = task.Id.ToString() });
        Assert.True(complete.IsError);
        Assert.False((await owner.GetFromJsonAsync<TaskDto>($"/api/tasks/{task.Id}"))!.Completed);
    }

    [Fact]
    public async Task The_same_subject_from_another_issuer_has_a_write_budget_of_its_own()
    {
        var user = Http.NewUser("budget");
        using var owner = stack.ClientFor(user);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var response = await owner.PostAsJsonAsync("/api/tasks", new { title = $"Write {i}" });
            statuses.Add(response.StatusCode);
        }
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);

        using var other = stack.OtherClientFor(user);
        using var theirs = await other.PostAsJsonAsync("/api/tasks", new { title = "Not the same budget" });
        Assert.Equal(HttpStatusCode.Created, theirs.StatusCode);
    }

    [Fact]
    public async Task A_key_withdrawn_from_the_JWKS_stops_new_tokens_at_the_next_refresh_and_remembered_ones_within_the_cache_lifetime()
    {
        var issuer = stack.Other;
        var oldKey = issuer.Es256;
        var seenBefore = issuer.CreateToken(Http.NewUser("seen"), stack.Api.Audience, key: oldKey);
        using (var seen = stack.Api.CreateClient(seenBefore)) Assert.Equal(HttpStatusCode.OK, (await seen.GetAsync("/api/me")).StatusCode);

        var newKey = issuer.RotateEs256();
        issuer.Withdraw(oldKey);
        // A token with the new kid makes the api fetch the JWKS again.
        using (var fresh = stack.Api.CreateClient(issuer.CreateToken("fresh", stack.Api.Audience, key: newKey)))
        {
            Assert.Equal(HttpStatusCode.OK, await Eventually.WaitForAsync(async () => (await fresh.GetAsync("/api/me")).StatusCode, HttpStatusCode.OK, TimeSpan.FromSeconds(15)));
        }

        // Microsoft.IdentityModel would fall back to the last keys that worked (an hour) for this one: refused instead.
        using var forged = stack.Api.CreateClient(issuer.CreateToken("forged-late", stack.Api.Audience, key: oldKey));
        Assert.Equal(HttpStatusCode.Unauthorized, (await forged.GetAsync("/api/me")).StatusCode);

        await Task.Delay(TimeSpan.FromSeconds(1.5));
        using var remembered = stack.Api.CreateClient(seenBefore);
        Assert.Equal(HttpStatusCode.Unauthorized, (await remembered.GetAsync("/api/me")).StatusCode);
    }
}

public sealed class ProductionIdentityTests(TwoIssuerStack stack) : IdentityTests<TwoIssuerStack>(stack), IClassFixture<TwoIssuerStack>;

public sealed class DevelopmentIdentityTests(DevelopmentTwoIssuerStack stack) : IdentityTests<DevelopmentTwoIssuerStack>(stack), IClassFixture<DevelopmentTwoIssuerStack>;
