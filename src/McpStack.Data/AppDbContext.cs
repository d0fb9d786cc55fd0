using System.Linq.Expressions;
using System.Reflection;
using McpStack.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace McpStack.Data;

/// <summary>
/// The one DbContext of McpStack. Every user-owned entity is filtered to the current user, and every
/// write stamps the current user and the time, so a forgotten <c>Where</c> cannot leak another user's rows.
/// Provider-specific subclasses exist only to keep one migration history per provider.
/// </summary>
/// <remarks>
/// Contexts are pooled (<see cref="DataServiceCollectionExtensions.AddAppData"/>): each request's scope leases one and
/// tells it whom it acts for (<see cref="ActFor"/>); returned to the pool it acts for nobody again, so a context taken
/// from the pool any other way sees no user's rows and writes none.
/// </remarks>
public class AppDbContext(DbContextOptions options) : DbContext(options)
{
    private ICurrentUser currentUser = NoCurrentUser.Instance;
    private TimeProvider timeProvider = TimeProvider.System;
    private readonly UuidV7Sequence ids = new();

    public DbSet<Conversation> Conversations => Set<Conversation>();
    public DbSet<Message> Messages => Set<Message>();

    /// <summary>Read by the query filters at query time (EF parameterises it per query).</summary>
    private string? CurrentUserId => currentUser.UserId;

    /// <summary>Makes this context act for <paramref name="user"/> (filters, stamps) on <paramref name="clock"/>'s time.</summary>
    public AppDbContext ActFor(ICurrentUser user, TimeProvider clock)
    {
        currentUser = user;
        timeProvider = clock;
        return this;
    }

    public override void Dispose()
    {
        ActFor(NoCurrentUser.Instance, TimeProvider.System);
        base.Dispose();
        GC.SuppressFinalize(this);
    }

    public override ValueTask DisposeAsync()
    {
        ActFor(NoCurrentUser.Instance, TimeProvider.System);
        GC.SuppressFinalize(this);
        return base.DisposeAsync();
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Conversation>(conversation =>
        {
            conversation.ToTable("conversations");
            conversation.HasKey(c => c.Id);
            conversation.Property(c => c.Title).HasMaxLength(Conversation.TitleMaxLength).IsRequired();
            conversation.HasMany(c => c.Messages).WithOne().HasForeignKey(m => m.ConversationId).OnDelete(DeleteBehavior.Cascade);
            conversation.HasIndex(c => new { c.UserId, c.UpdatedAt });
        });

        modelBuilder.Entity<Message>(message =>
        {
            message.ToTable("messages");
            message.HasKey(m => m.Id);
            message.Property(m => m.Role).HasMaxLength(16).IsRequired();
            message.Property(m => m.Content).IsRequired();
            message.HasIndex(m => new { m.ConversationId, m.CreatedAt });
        });

        // Each feature's entities (tasks, and any added later) bring their mapping as an IEntityTypeConfiguration here.
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(AppDbContext).Assembly);
        foreach (var entity in modelBuilder.Model.GetEntityTypes().Where(e => typeof(IUserOwned).IsAssignableFrom(e.ClrType)).ToList())
        {
            ScopeToCurrentUser(modelBuilder, entity.ClrType);
        }
    }

    /// <summary>
    /// What every user-owned entity gets, so that none can forget it: a bounded, required owner, the filter to the
    /// current user (EF reads <see cref="CurrentUserId"/> from this context at query time), and UUID v7 ids.
    /// </summary>
    private void ScopeToCurrentUser(ModelBuilder modelBuilder, Type entity)
    {
        var builder = modelBuilder.Entity(entity);
        builder.Property(nameof(IUserOwned.UserId)).HasMaxLength(IUserOwned.UserIdMaxLength).IsRequired();
        var row = Expression.Parameter(entity, "row");
        var currentUserId = typeof(AppDbContext).GetProperty(nameof(CurrentUserId), BindingFlags.Instance | BindingFlags.NonPublic)!;
        builder.HasQueryFilter(Expression.Lambda(
            Expression.Equal(Expression.Property(row, nameof(IUserOwned.UserId)), Expression.Property(Expression.Constant(this), currentUserId)),
            row));
        if (entity.GetProperty("Id")?.PropertyType == typeof(Guid))
        {
            builder.Property("Id").HasValueGenerator<UuidV7Generator>();
        }
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        StampChanges();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        StampChanges();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    /// <summary>
    /// A new id, time-ordered (UUID v7) so that inserts stay local in indexes, and increasing, so that rows of one commit
    /// (which share its time) read back in the order they were added.
    /// </summary>
    public Guid NewId() => ids.Next(timeProvider.GetUtcNow());

    private void StampChanges()
    {
        var now = timeProvider.GetUtcNow().UtcDateTime;
        foreach (var entry in ChangeTracker.Entries<IUserOwned>())
        {
            switch (entry.State)
            {
                case EntityState.Added:
                    entry.Entity.UserId = currentUser.UserId
                        ?? throw new InvalidOperationException("No signed-in user: user-owned data cannot be written.");
                    break;
                case EntityState.Modified:
                case EntityState.Deleted:
                    // The filter keeps other users' rows out of queries; this keeps attached ones out of writes.
                    var owner = entry.Property(nameof(IUserOwned.UserId));
                    if ((string?)owner.OriginalValue != currentUser.UserId || owner.IsModified)
                    {
                        throw new InvalidOperationException("A user-owned row can only be changed by its owner.");
                    }
                    break;
            }
        }
        foreach (var entry in ChangeTracker.Entries())
        {
            if (entry.State == EntityState.Added) StampAdded(entry.Entity, now);
            else if (entry.State == EntityState.Modified) StampModified(entry.Entity, now);
        }
    }

    private static void StampAdded(object entity, DateTime now)
    {
        if (entity is ICreatedAt created) created.CreatedAt = now;
        if (entity is ITimestamped timestamped) timestamped.UpdatedAt = now;
        if (entity is IVersioned versioned) versioned.Version = 1;
    }

    private static void StampModified(object entity, DateTime now)
    {
        if (entity is ITimestamped timestamped) timestamped.UpdatedAt = now;
        if (entity is IVersioned versioned) versioned.Version++;
    }

    /// <summary>Gives new rows a UUID v7 from the context's clock when they are added.</summary>
    private sealed class UuidV7Generator : Microsoft.EntityFrameworkCore.ValueGeneration.ValueGenerator<Guid>
    {
        public override bool GeneratesTemporaryValues => false;

        public override Guid Next(EntityEntry entry) => ((AppDbContext)entry.Context).NewId();
    }
}
