using McpStack.Data.Entities;
using McpStack.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace McpStack.Data.Tests;

public sealed class UuidV7SequenceTests
{
    private static readonly DateTimeOffset Instant = new(2026, 12, 2, 9, 30, 0, 123, TimeSpan.Zero);

    private static int CompareAsDatabases(Guid a, Guid b) =>
        a.ToByteArray(bigEndian: true).AsSpan().SequenceCompareTo(b.ToByteArray(bigEndian: true));

    [Fact]
    public void Ids_of_one_millisecond_increase_and_stay_valid_version_7_ids_of_that_millisecond()
    {
        var sequence = new UuidV7Sequence();
        var ids = Enumerable.Range(0, 10_000).Select(_ => sequence.Next(Instant)).ToList();

        for (var i = 1; i < ids.Count; i++)
        {
            Assert.True(CompareAsDatabases(ids[i - 1], ids[i]) < 0, $"id {i} is not after id {i - 1}");
            // SQLite stores the canonical text; its order must be the same.
            Assert.True(string.CompareOrdinal(ids[i - 1].ToString().ToUpperInvariant(), ids[i].ToString().ToUpperInvariant()) < 0);
        }
        Assert.All(ids, id =>
        {
            Assert.Equal(7, id.Version);
            Assert.Equal(0b10, id.ToByteArray(bigEndian: true)[8] >> 6); // the RFC variant
        });
        // The instant's own millisecond; the counter would have to overflow (a chance of 2^-60 here) to lend the next.
        var millisecondsOf = (Guid id) => Convert.ToInt64(id.ToString("N")[..12], 16);
        Assert.InRange(millisecondsOf(ids[^1]), Instant.ToUnixTimeMilliseconds(), Instant.ToUnixTimeMilliseconds() + 1);
        Assert.Equal(Instant.ToUnixTimeMilliseconds(), millisecondsOf(ids[0]));
    }

    [Fact]
    public void A_clock_set_back_does_not_make_an_earlier_id()
    {
        var sequence = new UuidV7Sequence();
        var later = sequence.Next(Instant.AddMinutes(5));
        var afterSetBack = sequence.Next(Instant);
        Assert.True(CompareAsDatabases(later, afterSetBack) < 0);
    }
}

/// <summary>Rows of one commit share its time; the database must still read them back in the order they were added.</summary>
public abstract class IdOrderTests(DatabaseProvider provider) : IAsyncLifetime
{
    private TestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync(provider);

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task Messages_saved_in_one_commit_read_back_in_the_order_they_were_added()
    {
        await using var services = _database.CreateServices(new FixedUser("alice"), new FakeTimeProvider(DateTimeOffset.UtcNow));
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var conversation = new Conversation { Title = "In order" };
        db.Conversations.Add(conversation);
        var contents = Enumerable.Range(0, 200).Select(i => $"message {i}").ToList();
        foreach (var content in contents)
        {
            db.Messages.Add(new Message { ConversationId = conversation.Id, Content = content });
        }
        await db.SaveChangesAsync();
        db.ChangeTracker.Clear();

        var read = await db.Messages.Where(m => m.ConversationId == conversation.Id)
            .OrderBy(m => m.CreatedAt).ThenBy(m => m.Id).Select(m => m.Content).ToListAsync();
        Assert.Equal(contents, read);
    }
}

public sealed class SqliteIdOrderTests() : IdOrderTests(DatabaseProvider.Sqlite);

public sealed class PostgresIdOrderTests() : IdOrderTests(DatabaseProvider.Postgres);
