using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using McpStack.Api.Tasks;
using McpStack.Data.Entities;
using McpStack.Data.Tasks;

namespace McpStack.Api.Tests;

/// <summary>The REST task API over real HTTP, against SQLite and PostgreSQL.</summary>
public abstract class TaskEndpointsTests<TStack>(TStack stack) where TStack : StackFixture
{
    private readonly HttpClient _alice = stack.ClientFor(Http.NewUser("alice"));
    private readonly HttpClient _bob = stack.ClientFor(Http.NewUser("bob"));

    private static async Task<TaskDto> CreateAsync(HttpClient client, object body)
    {
        using var response = await client.PostAsJsonAsync("/api/tasks", body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var task = await response.ReadAsync<TaskDto>();
        Assert.EndsWith($"/api/tasks/{task.Id}", response.Headers.Location!.ToString(), StringComparison.Ordinal);
        return task;
    }

    [Fact]
    public async Task Creates_reads_updates_and_deletes_a_task()
    {
        var created = await CreateAsync(_alice, new { title = "Buy milk", description = "2 l", priority = "high", dueAt = "2026-12-01T17:00:00Z" });
        Assert.Equal(TaskPriority.High, created.Priority);
        Assert.Equal(1, created.Version);

        var read = await _alice.GetFromJsonAsync<TaskDto>($"/api/tasks/{created.Id}");
        Assert.Equal("Buy milk", read!.Title);

        using var patch = await _alice.PatchAsJsonAsync($"/api/tasks/{created.Id}", new { completed = true, version = 1 });
        Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        var updated = await patch.ReadAsync<TaskDto>();
        Assert.True(updated.Completed);
        Assert.Equal(2, updated.Version);
        Assert.Equal("Buy milk", updated.Title);

        var list = await _alice.GetFromJsonAsync<TaskListResponse>("/api/tasks?status=completed");
        Assert.Equal(created.Id, Assert.Single(list!.Items).Id);

        using var delete = await _alice.DeleteAsync($"/api/tasks/{created.Id}");
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        using var gone = await _alice.GetAsync($"/api/tasks/{created.Id}");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task A_stale_version_gets_409_and_the_newer_update_stays()
    {
        var task = await CreateAsync(_alice, new { title = "Draft" });
        using var first = await _alice.PatchAsJsonAsync($"/api/tasks/{task.Id}", new { title = "First", version = 1 });
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);

        using var stale = await _alice.PatchAsJsonAsync($"/api/tasks/{task.Id}", new { title = "Second", version = 1 });
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Equal("application/problem+json", stale.Content.Headers.ContentType?.MediaType);
        var problem = await stale.ReadAsync<JsonElement>();
        Assert.Equal(2, problem.GetProperty("currentVersion").GetInt32());

        Assert.Equal("First", (await _alice.GetFromJsonAsync<TaskDto>($"/api/tasks/{task.Id}"))!.Title);
    }

    [Fact]
    public async Task Another_users_task_is_404_for_every_verb_and_stays_unchanged()
    {
        var task = await CreateAsync(_alice, new { title = "Alice's secret" });
        var url = $"/api/tasks/{task.Id}";

        Assert.Equal(HttpStatusCode.NotFound, (await _bob.GetAsync(url)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _bob.PatchAsJsonAsync(url, new { title = "pwned", completed = true })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _bob.DeleteAsync(url)).StatusCode);
        Assert.Empty((await _bob.GetFromJsonAsync<TaskListResponse>("/api/tasks"))!.Items);

        var unchanged = await _alice.GetFromJsonAsync<TaskDto>(url);
        Assert.Equal("Alice's secret", unchanged!.Title);
        Assert.False(unchanged.Completed);
        Assert.Equal(1, unchanged.Version);
    }

    [Fact]
    public async Task Validation_errors_are_problem_details_with_field_messages()
    {
        using var response = await _alice.PostAsJsonAsync("/api/tasks", new { title = "", description = new string('x', 2001) });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.ReadAsync<JsonElement>();
        var errors = problem.GetProperty("errors");
        Assert.Equal("The title cannot be empty.", errors.GetProperty("title")[0].GetString());
        Assert.Contains("the limit is 2000", errors.GetProperty("description")[0].GetString(), StringComparison.Ordinal);
        Assert.Empty((await _alice.GetFromJsonAsync<TaskListResponse>("/api/tasks"))!.Items);
    }

    [Theory]
    [InlineData("/api/tasks?status=someday", "status")]
    [InlineData("/api/tasks?limit=0", "limit")]
    [InlineData("/api/tasks?limit=1000", "limit")]
    [InlineData("/api/tasks?offset=-1", "offset")]
    public async Task Bad_queries_are_400_with_the_field_named(string url, string field)
    {
        using var response = await _alice.GetAsync(url);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.ReadAsync<JsonElement>()).GetProperty("errors").TryGetProperty(field, out _));
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("""{"title": 42}""")]
    [InlineData("""{"title": "ok", "priority": "urgent"}""")]
    [InlineData("""["title"]""")]
    public async Task Malformed_bodies_are_400_problem_details(string body)
    {
        using var response = await _alice.PostAsync("/api/tasks", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("   at ", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not-a-guid")]
    [InlineData("00000000-0000-0000-0000-000000000000")]
    [InlineData("1")]
    public async Task Unknown_or_malformed_ids_are_404(string id)
    {
        Assert.Equal(HttpStatusCode.NotFound, (await _alice.GetAsync($"/api/tasks/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _alice.DeleteAsync($"/api/tasks/{id}")).StatusCode);
    }

    [Fact]
    public async Task Lists_filter_and_page()
    {
        for (var i = 1; i <= 4; i++)
        {
            var task = await CreateAsync(_alice, new { title = $"Task {i}" });
            if (i % 2 == 0) await _alice.PatchAsJsonAsync($"/api/tasks/{task.Id}", new { completed = true });
        }
        var page = await _alice.GetFromJsonAsync<TaskListResponse>("/api/tasks?status=pending&limit=1&offset=1");
        Assert.Equal("Task 3", Assert.Single(page!.Items).Title);
        Assert.Equal(2, page.Total);
        Assert.False(page.HasMore);
    }
}

public sealed class SqliteTaskEndpointsTests(SqliteStack stack) : TaskEndpointsTests<SqliteStack>(stack), IClassFixture<SqliteStack>;

public sealed class PostgresTaskEndpointsTests(PostgresStack stack) : TaskEndpointsTests<PostgresStack>(stack), IClassFixture<PostgresStack>;

/// <summary>The REST API as ./run.sh starts it (Development): the same answers, other users' tasks included.</summary>
public sealed class DevelopmentTaskEndpointsTests(DevelopmentStack stack) : TaskEndpointsTests<DevelopmentStack>(stack), IClassFixture<DevelopmentStack>;
