using McpStack.Data.Entities;
using McpStack.Data.Tasks;
using McpStack.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace McpStack.Data.Tests;

/// <summary>The data rules, run against a real SQLite file and a real PostgreSQL server.</summary>
public abstract class TaskServiceTests(DatabaseProvider provider) : IAsyncLifetime
{
    private TestDatabase _database = null!;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero));

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync(provider);

    public async Task DisposeAsync() => await _database.DisposeAsync();

    private (ServiceProvider Services, TaskService Tasks, AppDbContext Db) As(string? user)
    {
        var services = _database.CreateServices(new FixedUser(user), _time);
        var scope = services.CreateScope();
        return (services, scope.ServiceProvider.GetRequiredService<TaskService>(), scope.ServiceProvider.GetRequiredService<AppDbContext>());
    }

    [Fact]
    public async Task A_new_task_belongs_to_the_current_user_with_a_v7_id_and_utc_times()
    {
        var (services, tasks, _) = As("alice");
        await using var _ = services;
        var task = await tasks.AddAsync(new NewTask("  Buy milk  ", "2 litres", Priority: TaskPriority.High));

        Assert.Equal(7, task.Id.Version);
        Assert.Equal("alice", task.UserId);
        Assert.Equal("Buy milk", task.Title);
        Assert.Equal(1, task.Version);
        var reread = await tasks.GetAsync(task.Id);
        Assert.Equal(_time.GetUtcNow().UtcDateTime, reread.CreatedAt);
        Assert.Equal(DateTimeKind.Utc, reread.CreatedAt.Kind);
        Assert.Equal(TaskPriority.High, reread.Priority);
    }

    [Fact]
    public async Task Another_user_sees_nothing_and_can_change_nothing()
    {
        var (aliceServices, alice, _) = As("alice");
        await using var _a = aliceServices;
        var task = await alice.AddAsync(new NewTask("Alice's secret"));

        var (bobServices, bob, bobDb) = As("bob");
        await using var _b = bobServices;
        Assert.Equal(0, (await bob.ListAsync(TaskStatusFilter.All, null, null)).Total);
        Assert.Empty(await bobDb.Set<TaskItem>().ToListAsync());
        await Assert.ThrowsAsync<NotFoundException>(() => bob.GetAsync(task.Id));
        await Assert.ThrowsAsync<NotFoundException>(() => bob.UpdateAsync(task.Id, new TaskChanges(Title: "pwned")));
        await Assert.ThrowsAsync<NotFoundException>(() => bob.DeleteAsync(task.Id));

        var unchanged = await alice.GetAsync(task.Id);
        Assert.Equal("Alice's secret", unchanged.Title);
        Assert.Equal(1, unchanged.Version);
    }

    [Fact]
    public async Task Without_a_user_nothing_is_read_and_nothing_written()
    {
        var (aliceServices, alice, _) = As("alice");
        await using var _a = aliceServices;
        await alice.AddAsync(new NewTask("Mine"));

        var (services, anonymous, _) = As(null);
        await using var _n = services;
        Assert.Equal(0, (await anonymous.ListAsync(TaskStatusFilter.All, null, null)).Total);
        await Assert.ThrowsAsync<InvalidOperationException>(() => anonymous.AddAsync(new NewTask("Orphan")));
    }

    [Fact]
    public async Task An_attached_row_of_another_user_cannot_be_saved()
    {
        var (aliceServices, alice, _) = As("alice");
        await using var _a = aliceServices;
        var task = await alice.AddAsync(new NewTask("Alice's"));

        var (bobServices, _, bobDb) = As("bob");
        await using var _b = bobServices;
        var stolen = await bobDb.Set<TaskItem>().IgnoreQueryFilters().SingleAsync(t => t.Id == task.Id);
        stolen.Title = "pwned";
        await Assert.ThrowsAsync<InvalidOperationException>(() => bobDb.SaveChangesAsync());
        Assert.Equal("Alice's", (await alice.GetAsync(task.Id)).Title);
    }

    [Fact]
    public async Task A_stale_version_is_a_conflict_and_loses_no_update()
    {
        var (services, tasks, _) = As("alice");
        await using var _ = services;
        var task = await tasks.AddAsync(new NewTask("Draft"));

        var (services1, first, _) = As("alice");
        var (services2, second, _) = As("alice");
        await using var _1 = services1;
        await using var _2 = services2;
        var updated = await first.UpdateAsync(task.Id, new TaskChanges(Title: "First"), expectedVersion: 1);
        Assert.Equal(2, updated.Version);
        var conflict = await Assert.ThrowsAsync<ConcurrencyConflictException>(() => second.UpdateAsync(task.Id, new TaskChanges(Title: "Second"), expectedVersion: 1));
        Assert.Equal(2, conflict.CurrentVersion);
        Assert.Equal("First", (await tasks.GetAsync(task.Id)).Title);
    }

    [Fact]
    public async Task Concurrent_writers_are_caught_by_the_version_column()
    {
        var (services, tasks, _) = As("alice");
        await using var _ = services;
        var task = await tasks.AddAsync(new NewTask("Draft"));

        var (services1, _, db1) = As("alice");
        var (services2, _, db2) = As("alice");
        await using var _1 = services1;
        await using var _2 = services2;
        var copy1 = await db1.Set<TaskItem>().SingleAsync(t => t.Id == task.Id);
        var copy2 = await db2.Set<TaskItem>().SingleAsync(t => t.Id == task.Id);
        copy1.Title = "One";
        copy2.Title = "Two";
        await db1.SaveChangesAsync();
        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => db2.SaveChangesAsync());
        Assert.Equal("One", (await tasks.GetAsync(task.Id)).Title);
    }

    [Fact]
    public async Task Lists_filter_and_page_in_creation_order()
    {
        var (services, tasks, _) = As("alice");
        await using var _ = services;
        for (var i = 1; i <= 5; i++)
        {
            var task = await tasks.AddAsync(new NewTask($"Task {i}"));
            if (i % 2 == 0) await tasks.UpdateAsync(task.Id, new TaskChanges(Completed: true));
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        var page = await tasks.ListAsync(TaskStatusFilter.All, 2, 1);
        Assert.Equal(["Task 2", "Task 3"], page.Items.Select(t => t.Title));
        Assert.Equal(5, page.Total);
        Assert.True(page.HasMore);
        Assert.Equal(["Task 1", "Task 3", "Task 5"], (await tasks.ListAsync(TaskStatusFilter.Pending, null, null)).Items.Select(t => t.Title));
        Assert.Equal(["Task 2", "Task 4"], (await tasks.ListAsync(TaskStatusFilter.Completed, null, null)).Items.Select(t => t.Title));
        Assert.False((await tasks.ListAsync(TaskStatusFilter.Completed, null, null)).HasMore);
    }

    [Theory]
    [InlineData("all", 5, 0, 5, 5, false)] // exactly full: the extra row is absent, so no count is needed
    [InlineData("all", 4, 0, 4, 5, true)] // the extra row exists: counted
    [InlineData("all", 4, 4, 1, 5, false)] // the last, partial page
    [InlineData("all", 3, 7, 0, 5, false)] // past the end: counted, not guessed from the offset
    [InlineData("pending", 2, 0, 2, 3, true)]
    [InlineData("completed", 2, 0, 2, 2, false)]
    [InlineData("completed", 1, 5, 0, 2, false)]
    public async Task Totals_are_exact_on_every_kind_of_page(string status, int limit, int offset, int count, int total, bool hasMore)
    {
        var (services, tasks, _) = As("alice");
        await using var _ = services;
        for (var i = 1; i <= 5; i++)
        {
            var task = await tasks.AddAsync(new NewTask($"Task {i}"));
            if (i % 2 == 0) await tasks.UpdateAsync(task.Id, new TaskChanges(Completed: true));
        }
        var (otherServices, other, _) = As("bob");
        await using var _b = otherServices;
        await other.AddAsync(new NewTask("Bob's, never counted for Alice"));

        var page = await tasks.ListAsync(Enum.Parse<TaskStatusFilter>(status, ignoreCase: true), limit, offset);
        Assert.Equal((count, total, hasMore), (page.Items.Count, page.Total, page.HasMore));
    }

    [Theory]
    [InlineData(null, "title", "A title is required.")]
    [InlineData("   ", "title", "The title cannot be empty.")]
    [InlineData("line\nbreak", "title", "control characters")]
    public async Task Bad_titles_are_refused_with_field_messages(string? title, string field, string message)
    {
        var (services, tasks, db) = As("alice");
        await using var _ = services;
        var error = await Assert.ThrowsAsync<InputValidationException>(() => tasks.AddAsync(new NewTask(title)));
        Assert.Contains(message, Assert.Single(error.Errors[field]), StringComparison.Ordinal);
        Assert.Empty(await db.Set<TaskItem>().ToListAsync());
    }

    [Fact]
    public async Task Length_limits_are_enforced()
    {
        var (services, tasks, _) = As("alice");
        await using var _ = services;
        await tasks.AddAsync(new NewTask(new string('a', 200), new string('b', 2000)));
        var error = await Assert.ThrowsAsync<InputValidationException>(() => tasks.AddAsync(new NewTask(new string('a', 201), new string('b', 2001))));
        Assert.Contains("limit is 200", error.Errors["title"][0], StringComparison.Ordinal);
        Assert.Contains("limit is 2000", error.Errors["description"][0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 0, "limit")]
    [InlineData(101, 0, "limit")]
    [InlineData(10, -1, "offset")]
    public async Task Paging_out_of_range_is_refused(int limit, int offset, string field)
    {
        var (services, tasks, _) = As("alice");
        await using var _ = services;
        var error = await Assert.ThrowsAsync<InputValidationException>(() => tasks.ListAsync(TaskStatusFilter.All, limit, offset));
        Assert.True(error.Errors.ContainsKey(field));
    }

    [Theory]
    [InlineData("not-a-guid")]
    [InlineData("")]
    [InlineData("12345678-1234-1234-1234-1234567890123")]
    public void Malformed_ids_are_refused_with_an_example(string id)
    {
        var error = Assert.Throws<InputValidationException>(() => EntityIds.Parse(id, "task"));
        Assert.True(error.Errors.ContainsKey("id"));
    }

    [Fact]
    public async Task A_migrated_sqlite_database_uses_write_ahead_logging()
    {
        if (provider != DatabaseProvider.Sqlite) return;
        var (services, _, db) = As("alice");
        await using var _ = services;
        await db.Database.OpenConnectionAsync();
        using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Deleting_conversations_deletes_their_messages()
    {
        var (services, _, db) = As("alice");
        await using var _ = services;
        var conversation = new Conversation { Title = "Hello" };
        db.Conversations.Add(conversation);
        await db.SaveChangesAsync();
        db.Messages.Add(new Message { ConversationId = conversation.Id, Role = MessageRoles.User, Content = "hi", InputTokens = 3 });
        await db.SaveChangesAsync();
        db.Conversations.Remove(conversation);
        await db.SaveChangesAsync();
        Assert.Empty(await db.Messages.IgnoreQueryFilters().Where(m => m.ConversationId == conversation.Id).ToListAsync());
    }

}

public sealed class SqliteTaskServiceTests() : TaskServiceTests(DatabaseProvider.Sqlite);

public sealed class PostgresTaskServiceTests() : TaskServiceTests(DatabaseProvider.Postgres);
