using McpStack.Data.Tasks;
using McpStack.Mcp.Tools;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpStack.Mcp.Tests;

/// <summary>
/// delete_task asks the user itself, through elicitation in a multi round-trip request, whenever the client can be
/// asked (MCP 2026-07-28 with the elicitation capability); other clients get today's direct delete.
/// </summary>
public sealed class DeleteConfirmationTests(SqliteMcpServer fixture) : IClassFixture<SqliteMcpServer>
{
    private readonly string _user = "confirm-" + Guid.NewGuid().ToString("N")[..8];

    private async Task<(McpClient Client, List<string> Asked)> ConnectAsync(string? answer, string? protocolVersion = null)
    {
        var asked = new List<string>();
        var options = new McpClientOptions { ProtocolVersion = protocolVersion };
        if (answer is not null)
        {
            options.Handlers = new()
            {
                ElicitationHandler = (request, _) =>
                {
                    asked.Add(request!.Message);
                    return ValueTask.FromResult(new ElicitResult { Action = answer });
                },
            };
        }
        return (await fixture.Server.ConnectAsync(fixture.TokenFor(_user), options), asked);
    }

    private static async Task<TaskDto> AddAsync(McpClient client, string title) =>
        (await client.CallToolAsync("add_task", new Dictionary<string, object?> { ["title"] = title })).Structured<TaskDto>();

    private static async Task<int> CountAsync(McpClient client) =>
        (await client.CallToolAsync("list_tasks", new Dictionary<string, object?>())).Structured<TaskListResult>().Total;

    private static async Task<DeletedTask> DeleteAsync(McpClient client, Guid id) =>
        (await client.CallToolAsync("delete_task", new Dictionary<string, object?> { ["id"] = id.ToString() })).Structured<DeletedTask>();

    [Fact]
    public async Task A_client_that_can_be_asked_is_asked_and_a_decline_keeps_the_task()
    {
        var (client, asked) = await ConnectAsync("decline");
        await using var _ = client;
        Assert.Equal("2026-07-28", client.NegotiatedProtocolVersion);
        var task = await AddAsync(client, "Keep me");

        var answer = await DeleteAsync(client, task.Id);

        Assert.False(answer.Deleted);
        Assert.Equal(["Delete the task “Keep me”? This cannot be undone."], asked);
        Assert.Equal(1, await CountAsync(client));
    }

    [Fact]
    public async Task An_accepted_confirmation_deletes()
    {
        var (client, asked) = await ConnectAsync("accept");
        await using var _ = client;
        var task = await AddAsync(client, "Delete me");

        var answer = await DeleteAsync(client, task.Id);

        Assert.True(answer.Deleted);
        Assert.Single(asked);
        Assert.Equal(0, await CountAsync(client));
    }

    [Fact]
    public async Task A_cancelled_confirmation_keeps_the_task()
    {
        var (client, _) = await ConnectAsync("cancel");
        await using var __ = client;
        var task = await AddAsync(client, "Still here");

        Assert.False((await DeleteAsync(client, task.Id)).Deleted);
        Assert.Equal(1, await CountAsync(client));
    }

    [Theory]
    [InlineData(null, null)] // 2026-07-28 without the elicitation capability
    [InlineData("accept", "2025-11-25")] // a stateless server cannot ask a 2025-11-25 client
    public async Task A_client_that_cannot_be_asked_deletes_as_before(string? answer, string? protocolVersion)
    {
        var (client, asked) = await ConnectAsync(answer, protocolVersion);
        await using var _ = client;
        var task = await AddAsync(client, "Gone");

        Assert.True((await DeleteAsync(client, task.Id)).Deleted);
        Assert.Empty(asked);
        Assert.Equal(0, await CountAsync(client));
    }

    [Fact]
    public async Task Another_users_task_is_not_found_before_anyone_is_asked()
    {
        var (owner, _) = await ConnectAsync("accept");
        await using var __ = owner;
        var task = await AddAsync(owner, "Mine");
        var asked = new List<string>();
        await using var stranger = await fixture.Server.ConnectAsync(
            fixture.TokenFor("stranger-" + Guid.NewGuid().ToString("N")[..8]),
            new McpClientOptions { Handlers = new() { ElicitationHandler = (r, _) => { asked.Add(r!.Message); return ValueTask.FromResult(new ElicitResult { Action = "accept" }); } } });

        var refused = await stranger.CallToolAsync("delete_task", new Dictionary<string, object?> { ["id"] = task.Id.ToString() });

        Assert.Contains("No task", refused.Error(), StringComparison.Ordinal);
        Assert.Empty(asked);
        Assert.Equal(1, await CountAsync(owner));
    }
}
