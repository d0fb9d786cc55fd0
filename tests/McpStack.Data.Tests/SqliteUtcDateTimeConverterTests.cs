using System.Globalization;
using McpStack.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace McpStack.Data.Tests;

public sealed class SqliteUtcDateTimeConverterTests
{
    [Theory]
    [InlineData("2026-12-02 01:53:55", 0)]
    [InlineData("2026-12-02 01:53:55.5", 5_000_000)]
    [InlineData("2026-12-02 01:53:55.0123", 123_000)]
    [InlineData("2026-12-02 01:53:55.1234567", 1_234_567)]
    public void Reads_the_text_the_provider_writes_as_utc(string text, long fractionTicks)
    {
        var value = SqliteUtcDateTimeConverter.Parse(text);
        Assert.Equal(new DateTime(2026, 12, 2, 1, 53, 55, DateTimeKind.Utc).AddTicks(fractionTicks), value);
        Assert.Equal(DateTimeKind.Utc, value.Kind);
        Assert.Equal(text, SqliteUtcDateTimeConverter.Format(value));
    }

    [Fact]
    public void Reads_what_it_writes_and_what_the_general_parser_reads()
    {
        var random = new Random(14);
        for (var i = 0; i < 10_000; i++)
        {
            var value = new DateTime(random.NextInt64(DateTime.MinValue.Ticks + TimeSpan.TicksPerDay, DateTime.MaxValue.Ticks), DateTimeKind.Utc);
            var text = SqliteUtcDateTimeConverter.Format(value);
            Assert.Equal(value, SqliteUtcDateTimeConverter.Parse(text));
            Assert.Equal(DateTime.Parse(text, CultureInfo.InvariantCulture), SqliteUtcDateTimeConverter.Parse(text));
        }
    }

    [Theory]
    [InlineData("2026-12-02T01:53:55")]
    [InlineData("2026-12-02 01:53")]
    [InlineData("2026-02-30 01:53:55.")]
    public void Other_forms_are_read_as_sqlite_reads_them_or_refused_as_it_refuses_them(string text)
    {
        DateTime? general;
        try { general = DateTime.SpecifyKind(DateTime.Parse(text, CultureInfo.InvariantCulture), DateTimeKind.Utc); }
        catch (FormatException) { general = null; }
        if (general is null) Assert.Throws<FormatException>(() => SqliteUtcDateTimeConverter.Parse(text));
        else Assert.Equal(general, SqliteUtcDateTimeConverter.Parse(text));
    }

    [Fact]
    public async Task Rows_stored_before_the_converter_read_back_unchanged()
    {
        // Written as the provider's own mapping wrote timestamps (through Microsoft.Data.Sqlite's DateTime binding).
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var created = new DateTime(2026, 11, 24, 9, 0, 0, DateTimeKind.Utc).AddTicks(1_234_500);
        var lease = created.AddMinutes(5);
        var id = Guid.CreateVersion7();
        await using (var connection = new SqliteConnection(database.Connection.ConnectionString))
        {
            await connection.OpenAsync();
            await using var insert = connection.CreateCommand();
            insert.CommandText = """
                INSERT INTO conversations ("Id", "UserId", "Title", "CreatedAt", "UpdatedAt", "TurnLeaseUntil")
                VALUES (@id, 'alice', 'Old row', @created, @created, @lease)
                """;
            insert.Parameters.AddWithValue("@id", id);
            insert.Parameters.AddWithValue("@created", created);
            insert.Parameters.AddWithValue("@lease", lease);
            await insert.ExecuteNonQueryAsync();
        }
        await using var services = database.CreateServices(new FixedUser("alice"));
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var conversation = await db.Conversations.SingleAsync();
        Assert.Equal((id, created, DateTimeKind.Utc, lease), (conversation.Id, conversation.CreatedAt, conversation.CreatedAt.Kind, conversation.TurnLeaseUntil));
        // Compared in SQL against a parameter the converter writes: the same text, so the same rows.
        Assert.Equal(1, await db.Conversations.CountAsync(c => c.CreatedAt == created && c.TurnLeaseUntil > created));
    }
}
