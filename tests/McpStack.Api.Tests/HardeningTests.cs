using System.Net;
using System.Net.Http.Json;
using System.Text;
using McpStack.Data.Tasks;

namespace McpStack.Api.Tests;

/// <summary>Abuse that is not about tokens: concurrent writers, oversized bodies, headers.</summary>
public sealed class HardeningTests(SqliteStack stack) : IClassFixture<SqliteStack>
{
    [Fact]
    public async Task Of_parallel_updates_from_the_same_version_exactly_one_wins_and_the_rest_get_409()
    {
        using var client = stack.ClientFor(Http.NewUser("race"));
        using var created = await client.PostAsJsonAsync("/api/tasks", new { title = "Contended" });
        var task = (await created.Content.ReadFromJsonAsync<TaskDto>())!;

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(async i =>
        {
            using var response = await client.PatchAsJsonAsync($"/api/tasks/{task.Id}", new { title = $"Writer {i}", version = 1 });
            return (response.StatusCode, i);
        }));

        Assert.Single(results, r => r.StatusCode == HttpStatusCode.OK);
        Assert.Equal(7, results.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        var winner = results.Single(r => r.StatusCode == HttpStatusCode.OK).i;
        var final = await client.GetFromJsonAsync<TaskDto>($"/api/tasks/{task.Id}");
        Assert.Equal(($"Writer {winner}", 2), (final!.Title, final.Version));
    }

    [Fact]
    public async Task A_body_over_one_mebibyte_is_refused_with_413_and_nothing_is_stored()
    {
        var user = Http.NewUser("big");
        using var client = stack.ClientFor(user);
        var body = "{\"title\":\"" + new string('x', 2 * 1024 * 1024) + "\"}";
        // Expect: 100-continue, so Kestrel refuses on the declared length before the body is sent: without it, Kestrel's
        // close after the 413 can meet the client still writing, which then fails on the write and never reads the answer.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/tasks") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.ExpectContinue = true;
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        // A new connection: Kestrel closes the one whose body it did not read, and a pooled reuse could meet a broken pipe.
        using var reader = stack.ClientFor(user);
        Assert.Empty((await reader.GetFromJsonAsync<McpStack.Api.Tasks.TaskListResponse>("/api/tasks"))!.Items);
    }

    [Fact]
    public async Task Responses_carry_the_security_headers()
    {
        using var client = stack.ClientFor(Http.NewUser("hdr"));
        foreach (var response in new[] { await client.GetAsync("/api/tasks"), await stack.Mcp.CreateClient().GetAsync("/health") })
        {
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
            Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
            response.Dispose();
        }
    }

    [Fact]
    public async Task Public_URLs_come_from_configuration_never_from_the_Host_header()
    {
        using var client = stack.ClientFor(Http.NewUser("host"));
        using var create = new HttpRequestMessage(HttpMethod.Post, "/api/tasks") { Content = JsonContent.Create(new { title = "Where am I?" }) };
        create.Headers.Host = "evil.example";
        using var created = await client.SendAsync(create);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.StartsWith(stack.Api.BaseUrl + "/api/tasks/", created.Headers.Location!.ToString(), StringComparison.Ordinal);

        using var mcp = stack.Mcp.CreateClient();
        using var challenge = new HttpRequestMessage(HttpMethod.Post, "/mcp") { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        challenge.Headers.Host = "evil.example";
        using var refused = await mcp.SendAsync(challenge);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        var header = refused.Headers.WwwAuthenticate.ToString();
        Assert.Contains($"resource_metadata=\"{stack.Mcp.BaseUrl}/.well-known/oauth-protected-resource/mcp\"", header, StringComparison.Ordinal);
        Assert.DoesNotContain("evil", header, StringComparison.Ordinal);
    }
}
