using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using McpStack.Api.Tasks;

namespace McpStack.Api.Tests;

/// <summary>
/// Bodies and queries the endpoints cannot bind get a 400 problem naming the field, with no exception text, and store
/// nothing: in Production (as the Dockerfiles run the api) and in Development (as ./run.sh does), where minimal APIs
/// used to throw and the api answered 500.
/// </summary>
public abstract class BadInputTests<TStack>(TStack stack) where TStack : StackFixture
{
    private static readonly string Deep = string.Concat(Enumerable.Repeat("{\"a\":", 70)) + "1" + new string('}', 70);

    public static TheoryData<string, string, string> Bodies => new()
    {
        // path, body, the field the problem must name
        { "/api/tasks", """{"title":5}""", "title" },
        { "/api/tasks", """{"title":"x" """, "body" },
        { "/api/tasks", "not json", "body" },
        { "/api/tasks", """{"title":[[]]}""", "title" },
        { "/api/tasks", """{"title":"ok","priority":"urgent"}""", "priority" },
        { "/api/tasks", """{"title":"ok","priority":999}""", "priority" },
        { "/api/tasks", """{"title":"ok","priority":-1}""", "priority" },
        { "/api/tasks", """{"title":"ok","dueAt":"next tuesday"}""", "dueAt" },
        { "/api/tasks", """{"title":"ok","title":"twice"}""", "title" },
        { "/api/tasks", Deep, "body" },
        { "/api/tasks", "", "body" },
        { "/api/tools/add_task", """{"title":"x" """, "body" },
        { "/api/tools/add_task", "not json", "body" },
        { "/api/tools/add_task", """{"title":"a","title":"b"}""", "title" },
        { "/api/tools/add_task", Deep, "body" },
        { "/api/chat", """{"message":5}""", "message" },
        { "/api/chat", """{"message":"hi" """, "body" },
        { "/api/chat", "not json", "body" },
        { "/api/chat", """{"message":[[]]}""", "message" },
        { "/api/chat", """{"message":"hi","approvals":"yes"}""", "approvals" },
        { "/api/chat", """{"message":"hi","conversationId":"nope"}""", "conversationId" },
        { "/api/chat", Deep, "body" },
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task A_body_that_cannot_be_bound_is_a_400_problem_naming_the_field(string path, string body, string field)
    {
        using var client = stack.ClientFor(Http.NewUser("typo"));
        using var response = await client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
        await AssertProblemAsync(response, field);
        Assert.Equal(0, (await client.GetFromJsonAsync<TaskListResponse>("/api/tasks"))!.Total);
        Assert.Equal(0, (await client.GetFromJsonAsync<JsonElement>("/api/conversations")).GetArrayLength());
    }

    [Theory]
    [InlineData("limit=abc", "limit")]
    [InlineData("limit=99999999999", "limit")]
    [InlineData("offset=1.5", "offset")]
    [InlineData("status=urgent", "status")]
    public async Task A_query_that_cannot_be_bound_is_a_400_problem_naming_the_field(string query, string field)
    {
        using var client = stack.ClientFor(Http.NewUser("query"));
        using var response = await client.GetAsync("/api/tasks?" + query);
        await AssertProblemAsync(response, field);
    }

    [Fact]
    public async Task A_body_that_is_not_JSON_at_all_is_415_with_what_to_send()
    {
        using var client = stack.ClientFor(Http.NewUser("plain"));
        using var response = await client.PostAsync("/api/tasks", new StringContent("title=milk", Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Contains("application/json", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_field_message_says_what_to_send()
    {
        using var client = stack.ClientFor(Http.NewUser("hint"));
        using var priority = await client.PostAsync("/api/tasks", new StringContent("""{"title":"ok","priority":"urgent"}""", Encoding.UTF8, "application/json"));
        Assert.Equal("priority must be one of: low, normal, high.", (await priority.ReadAsync<JsonElement>()).GetProperty("errors").GetProperty("priority")[0].GetString());
        using var limit = await client.GetAsync("/api/tasks?limit=abc");
        Assert.Equal("limit must be a whole number in range.", (await limit.ReadAsync<JsonElement>()).GetProperty("errors").GetProperty("limit")[0].GetString());
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, string field)
    {
        var content = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {content}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(content).RootElement;
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out var messages), $"no message for {field}: {content}");
        Assert.False(string.IsNullOrWhiteSpace(messages[0].GetString()));
        Assert.DoesNotContain("Exception", content, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", content, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", content, StringComparison.Ordinal);
    }
}

public sealed class ProductionBadInputTests(SqliteStack stack) : BadInputTests<SqliteStack>(stack), IClassFixture<SqliteStack>;

public sealed class DevelopmentBadInputTests(DevelopmentStack stack) : BadInputTests<DevelopmentStack>(stack), IClassFixture<DevelopmentStack>;
