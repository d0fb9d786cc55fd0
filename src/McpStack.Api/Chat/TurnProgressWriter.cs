using System.Collections.Concurrent;
using System.Text.Json;
using McpStack.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace McpStack.Api.Chat;

/// <summary>
/// Writes the progress and heartbeat of every turn running on this replica (<see cref="TurnProgressStore"/> reads them),
/// all of them in one transaction per <see cref="ChatModelOptions.ProgressInterval"/>: one commit (one fsync on SQLite)
/// a second rather than one per open turn, which at a thousand open turns is what lets a newcomer's first word through
/// (bench/README.md, concurrent chat turns). A turn whose row no longer says it holds the conversation (a stop asked on
/// any replica, or the lease taken over) is stopped.
/// </summary>
/// <remarks>
/// One loop, started with the first turn and running until the api is disposed (after Kestrel has drained, so turns
/// finishing during a shutdown keep their heartbeat). It never stops while the api runs: a loop that ended when idle
/// could end just as a turn began and leave that turn unwritten.
/// </remarks>
public sealed partial class TurnProgressWriter(IServiceScopeFactory scopes, IOptions<ChatModelOptions> options, TimeProvider time, ILogger<TurnProgressWriter> logger)
    : IAsyncDisposable
{
    private readonly ConcurrentDictionary<TurnFollower, byte> _following = new();
    private readonly CancellationTokenSource _disposed = new();
    private readonly Lock _lock = new();
    private Task? _loop;
    private Task _write = Task.CompletedTask;

    /// <summary>Starts writing a turn's progress, until the returned follower is stopped.</summary>
    public TurnFollower Follow(Guid conversationId, DateTime lease, TurnProgressOutput output, CancellationTokenSource stop)
    {
        var follower = new TurnFollower(this, conversationId, lease, output, stop);
        lock (_lock)
        {
            _following[follower] = 0;
            if (_loop is null)
            {
                // Not in the first turn's execution context: the loop outlives that request.
                using (ExecutionContext.SuppressFlow()) _loop = Task.Run(RunAsync);
            }
        }
        return follower;
    }

    /// <summary>Takes a turn off, once no write of its progress is under way (so none outlives it).</summary>
    private async Task RemoveAsync(TurnFollower follower)
    {
        Task pending;
        lock (_lock)
        {
            if (!_following.TryRemove(follower, out _)) return;
            pending = _write;
        }
        await pending;
    }

    private async Task RunAsync()
    {
        using var timer = new PeriodicTimer(options.Value.ProgressInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(_disposed.Token))
            {
                if (_following.IsEmpty) continue;
                var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                TurnFollower[] turns;
                lock (_lock)
                {
                    // Under the lock a turn being taken off either is in this write (and its removal waits for it) or is not.
                    turns = [.. _following.Keys];
                    _write = done.Task;
                }
                try
                {
                    await WriteAsync(turns);
                }
                catch (Exception e) when (e is not OperationCanceledException || !_disposed.IsCancellationRequested)
                {
                    LogProgressNotWritten(logger, e, turns.Length); // a database blip: the next tick tries again
                }
                finally
                {
                    done.SetResult();
                }
            }
        }
        catch (OperationCanceledException) when (_disposed.IsCancellationRequested)
        {
            // the api is going away
        }
    }

    private async Task WriteAsync(TurnFollower[] turns)
    {
        var now = time.GetUtcNow().UtcDateTime;
        // Serialized before the transaction opens, so it is held for the writes alone.
        var changes = turns.Select(turn => (Turn: turn, Change: turn.Change())).ToList();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var released = new List<TurnFollower>();
        await using (var transaction = await db.Database.BeginTransactionAsync(_disposed.Token))
        {
            foreach (var (turn, (_, json)) in changes)
            {
                // The conversation's id came with the lease the turn holds (taken for its user); the query filter would
                // need a user this loop does not have.
                var held = Held(db, turn.ConversationId, turn.Lease);
                var updated = json is null
                    ? await held.ExecuteUpdateAsync(set => set.SetProperty(c => c.TurnProgressAt, now), _disposed.Token)
                    : await held.ExecuteUpdateAsync(set => set.SetProperty(c => c.TurnProgressAt, now).SetProperty(c => c.TurnProgress, json), _disposed.Token);
                if (updated != 1) released.Add(turn);
            }
            await transaction.CommitAsync(_disposed.Token);
        }
        foreach (var (turn, (version, _)) in changes) turn.Written = version;
        foreach (var turn in released)
        {
            // Asked to stop, or the lease is gone.
            _following.TryRemove(turn, out _);
            turn.LeaseLost = !await db.Conversations.IgnoreQueryFilters().AnyAsync(c => c.Id == turn.ConversationId && c.TurnLeaseUntil == turn.Lease, _disposed.Token);
            await turn.Stop.CancelAsync();
        }
    }

    /// <summary>The conversation while the turn holding <paramref name="lease"/> still holds it and no stop was asked.</summary>
    private static IQueryable<Data.Entities.Conversation> Held(AppDbContext db, Guid conversationId, DateTime lease) =>
        db.Conversations.IgnoreQueryFilters().Where(c => c.Id == conversationId && c.TurnLeaseUntil == lease && c.TurnStopRequestedAt == null);

    public async ValueTask DisposeAsync()
    {
        await _disposed.CancelAsync();
        if (_loop is { } loop) await loop;
        _disposed.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The progress of the {Turns} turns running here was not written; the next tick tries again")]
    private static partial void LogProgressNotWritten(ILogger logger, Exception exception, int turns);

    /// <summary>A turn whose progress and heartbeat the writer writes, and which hears there a stop asked on another replica.</summary>
    public sealed class TurnFollower : IAsyncDisposable
    {
        private readonly TurnProgressWriter _writer;
        private readonly TurnProgressOutput _output;

        internal TurnFollower(TurnProgressWriter writer, Guid conversationId, DateTime lease, TurnProgressOutput output, CancellationTokenSource stop) =>
            (_writer, ConversationId, Lease, _output, Stop) = (writer, conversationId, lease, output, stop);

        internal Guid ConversationId { get; }

        internal DateTime Lease { get; }

        internal CancellationTokenSource Stop { get; }

        /// <summary>The version of the answer last written.</summary>
        internal int Written { get; set; } = -1;

        /// <summary>Whether the lease went to another turn (this one was taken for dead): it must store nothing.</summary>
        public bool LeaseLost { get; internal set; }

        /// <summary>The answer's version now, and its JSON when it changed since the last write (null: a heartbeat alone).</summary>
        internal (int Version, string? Json) Change()
        {
            var (version, snapshot) = _output.Snapshot();
            return (version, snapshot is null || version == Written ? null : JsonSerializer.Serialize(snapshot, TurnProgressStore.Json));
        }

        /// <summary>Stops writing (before the turn stores its answer, so no progress outlives it).</summary>
        public Task StopAsync() => _writer.RemoveAsync(this);

        public async ValueTask DisposeAsync() => await StopAsync();
    }
}
