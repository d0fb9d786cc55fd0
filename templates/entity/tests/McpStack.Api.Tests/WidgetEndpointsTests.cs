using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using McpStack.Data.Widgets;

namespace McpStack.Api.Tests;

/// <summary>The widget endpoints against the real api and a SQLite file: isolation, problem details, tokens.</summary>
public sealed class WidgetEndpointsTests(SqliteStack stack) : IClassFixture<SqliteStack>
{
    [Fact]
    public async Task A_user_creates_reads_changes_and_deletes_a_widget()
    {
        using var client = stack.ClientFor(Http.NewUser("wanda"));

        using var created = await client.PostAsJsonAsync("/api/widgets", new { name = "Lamp", notes = "blue" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var widget = await created.ReadAsync<WidgetDto>();
        Assert.EndsWith($"/api/widgets/{widget.Id}", created.Headers.Location!.ToString(), StringComparison.Ordinal);

        using var changed = await client.PatchAsJsonAsync($"/api/widgets/{widget.Id}", new { name = "Desk lamp", version = 1 });
        var renamed = await changed.ReadAsync<WidgetDto>();
        Assert.Equal(("Desk lamp", 2), (renamed.Name, renamed.Version));
        using var stale = await client.PatchAsJsonAsync($"/api/widgets/{widget.Id}", new { name = "Old", version = 1 });
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);

        using var deleted = await client.DeleteAsync($"/api/widgets/{widget.Id}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        using var gone = await client.GetAsync($"/api/widgets/{widget.Id}");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task Another_users_widget_is_404_for_every_verb_and_unchanged()
    {
        using var owner = stack.ClientFor(Http.NewUser("olga"));
        using var other = stack.ClientFor(Http.NewUser("mallory"));
        using var created = await owner.PostAsJsonAsync("/api/widgets", new { name = "Private" });
        var widget = await created.ReadAsync<WidgetDto>();

        using (var read = await other.GetAsync($"/api/widgets/{widget.Id}")) Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
        using (var change = await other.PatchAsJsonAsync($"/api/widgets/{widget.Id}", new { name = "Mine now" })) Assert.Equal(HttpStatusCode.NotFound, change.StatusCode);
        using (var delete = await other.DeleteAsync($"/api/widgets/{widget.Id}")) Assert.Equal(HttpStatusCode.NotFound, delete.StatusCode);
        Assert.Equal(0, (await other.GetFromJsonAsync<WidgetPage>("/api/widgets"))!.Total);

        var kept = (await owner.GetFromJsonAsync<WidgetDto>($"/api/widgets/{widget.Id}"))!;
        Assert.Equal(("Private", 1), (kept.Name, kept.Version));
    }

    [Fact]
    public async Task Bad_input_is_a_problem_naming_the_field_and_nothing_is_stored()
    {
        using var client = stack.ClientFor(Http.NewUser("bea"));

        using var empty = await client.PostAsJsonAsync("/api/widgets", new { name = "  " });
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Equal("application/problem+json", empty.Content.Headers.ContentType?.MediaType);
        var problem = await empty.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("name", out _));
        Assert.Equal(0, (await client.GetFromJsonAsync<WidgetPage>("/api/widgets"))!.Total);
    }

    [Fact]
    public async Task Without_a_token_every_verb_is_401()
    {
        using var anonymous = stack.Api.CreateClient(token: null);
        using var list = await anonymous.GetAsync("/api/widgets");
        using var create = await anonymous.PostAsJsonAsync("/api/widgets", new { name = "x" });
        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized), (list.StatusCode, create.StatusCode));
    }
}
