using McpStack.Data.Entities;
using McpStack.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace McpStack.Data.Tests;

/// <summary>Pooled contexts serve one user at a time: the scope that leases one, and nobody once it is returned.</summary>
public abstract class ContextPoolingTests(DatabaseProvider provider) : IAsyncLifetime
{
    private TestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync(provider);

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task A_pooled_context_acts_for_the_scope_that_leased_it_and_for_nobody_once_returned()
    {
        var collection = new ServiceCollection().AddAppData(_database.Connection);
        collection.AddScoped<FixedUser>(_ => new FixedUser(null));
        collection.AddScoped<ICurrentUser>(services => services.GetRequiredService<FixedUser>());
        await using var services = collection.BuildServiceProvider();

        AppDbContext aliceContext;
        await using (var scope = As("alice"))
        {
            aliceContext = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            aliceContext.Conversations.Add(new Conversation { Title = "Alice's" });
            await aliceContext.SaveChangesAsync();
        }
        await using (var scope = As("bob"))
        {
            var bobContext = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            Assert.Same(aliceContext, bobContext); // the pool's one context, reused
            Assert.Empty(await bobContext.Conversations.ToListAsync());
        }
        await using (var scope = As("alice"))
        {
            Assert.Single(await scope.ServiceProvider.GetRequiredService<AppDbContext>().Conversations.ToListAsync());
        }

        // Taken from the pool around the scopes, a context acts for nobody: it reads nothing and writes nothing.
        await using AppDbContext bare = provider == DatabaseProvider.Sqlite
            ? services.GetRequiredService<IDbContextFactory<SqliteAppDbContext>>().CreateDbContext()
            : services.GetRequiredService<IDbContextFactory<PostgresAppDbContext>>().CreateDbContext();
        Assert.Same(aliceContext, bare);
        Assert.Empty(await bare.Conversations.ToListAsync());
        bare.Conversations.Add(new Conversation { Title = "orphan" });
        await Assert.ThrowsAsync<InvalidOperationException>(() => bare.SaveChangesAsync());

        AsyncServiceScope As(string user)
        {
            var scope = services.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<FixedUser>().UserId = user;
            return scope;
        }
    }
}

public sealed class SqliteContextPoolingTests() : ContextPoolingTests(DatabaseProvider.Sqlite);

public sealed class PostgresContextPoolingTests() : ContextPoolingTests(DatabaseProvider.Postgres);
