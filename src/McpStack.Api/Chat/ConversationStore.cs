using System.Text.Json;
using McpStack.Data;
using McpStack.Data.Entities;
using McpStack.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace McpStack.Api.Chat;

/// <summary>
/// Conversations in the database, the only place chat state lives (any api instance can serve any turn).
/// A message's tool calls and results are stored as Microsoft.Extensions.AI messages (JSON), so the history the
/// model sees next turn is exactly what happened, whatever the provider.
/// </summary>
public sealed partial class ConversationStore(
    AppDbContext db, ICurrentUser currentUser, TimeProvider timeProvider, IOptions<ChatModelOptions> options, IOptions<QuotaOptions> quotas,
    ILogger<ConversationStore> logger)
{
    private const int TitleLength = 60;

    /// <summary>
    /// The transaction an existing conversation's lease is taken in, committed with the turn's user message: one durable
    /// commit (one fsync on SQLite) instead of two, and a turn that fails before its message is stored frees the lease
    /// by rolling back.
    /// </summary>
    private IDbContextTransaction? _turnStart;

    /// <summary>What a conversation says of a turn whose lease expired unfinished (the replica answering it stopped).</summary>
    public const string InterruptedTurn = "The previous answer was interrupted: the server answering it stopped. Ask again if you still need it.";

    /// <summary>
    /// The conversation a turn is answered in, with its turn lease taken: a new one, or an existing one of the user's
    /// that no other turn holds (one conditional UPDATE, so two api instances cannot both take it). An existing one's
    /// lease is committed with the turn's user message (<see cref="AddUserMessageAsync"/>), as a new one is.
    /// </summary>
    public async Task<Conversation> BeginTurnAsync(Guid? id, string firstMessage, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow().UtcDateTime;
        // Whole milliseconds: the lease is also the turn's identity in its progress writes (TurnProgressStore), and
        // PostgreSQL keeps microseconds.
        var leaseUntil = new DateTime(now.Ticks - now.Ticks % TimeSpan.TicksPerMillisecond, DateTimeKind.Utc) + options.Value.TurnTimeout + options.Value.TurnLeaseMargin;
        if (id is { } existing)
        {
            _turnStart = await db.Database.BeginTransactionAsync(cancellationToken);
            try
            {
                return await TakeLeaseAsync(existing, now, leaseUntil, cancellationToken);
            }
            catch
            {
                await EndTurnStartAsync();
                throw;
            }
        }
        if (await db.Conversations.CountAsync(cancellationToken) >= quotas.Value.MaxConversationsPerUser)
        {
            throw new QuotaExceededException("conversations", quotas.Value.MaxConversationsPerUser);
        }
        var title = firstMessage.Trim().ReplaceLineEndings(" ");
        var conversation = new Conversation
        {
            Title = title.Length > TitleLength ? title[..TitleLength] + "…" : title.Length == 0 ? "New chat" : title,
            TurnLeaseUntil = leaseUntil,
        };
        // Saved with the turn's first message, in one commit (see AddUserMessageAsync).
        db.Conversations.Add(conversation);
        return conversation;
    }

    private async Task<Conversation> TakeLeaseAsync(Guid existing, DateTime now, DateTime leaseUntil, CancellationToken cancellationToken)
    {
        var taken = await db.Conversations
            .Where(c => c.Id == existing && c.TurnLeaseUntil == null)
            .ExecuteUpdateAsync(set => set.SetProperty(c => c.TurnLeaseUntil, leaseUntil).SetProperty(c => c.TurnStopRequestedAt, (DateTime?)null), cancellationToken);
        // Rarely: a lease left by a turn that never finished, taken over once it expired or its heartbeat went silent
        // (TurnProgressStore); such a turn, if alive after all, finds its lease gone and stores nothing.
        var silentBefore = now - options.Value.ProgressStaleAfter;
        var interrupted = taken == 0 && await db.Conversations
            .Where(c => c.Id == existing && (c.TurnLeaseUntil < now || c.TurnProgressAt < silentBefore))
            .ExecuteUpdateAsync(set => set.SetProperty(c => c.TurnLeaseUntil, leaseUntil).SetProperty(c => c.TurnStopRequestedAt, (DateTime?)null)
                .SetProperty(c => c.TurnProgress, (string?)null).SetProperty(c => c.TurnProgressAt, (DateTime?)null), cancellationToken) == 1;
        if (taken == 0 && !interrupted)
        {
            throw await db.Conversations.AnyAsync(c => c.Id == existing, cancellationToken)
                ? new ConversationBusyException(existing)
                : new NotFoundException("conversation", existing);
        }
        // The UPDATE proved it exists and is the user's: no need to read it back.
        var held = new Conversation { Id = existing, UserId = currentUser.UserId!, TurnLeaseUntil = leaseUntil };
        db.Conversations.Attach(held);
        if (interrupted)
        {
            // Saved with the turn's first message; its id is the smaller, so the conversation reads in order.
            db.Messages.Add(new Message { ConversationId = existing, Role = MessageRoles.Error, Content = InterruptedTurn });
        }
        return held;
    }

    /// <summary>Frees the conversation of a turn that ended without <see cref="FinishTurnAsync"/> (a rejected request).</summary>
    public async Task AbandonTurnAsync(Conversation conversation)
    {
        var id = conversation.Id;
        try
        {
            // Taken in a transaction not committed yet: rolling it back frees the lease.
            if (_turnStart is not null)
            {
                await EndTurnStartAsync();
                return;
            }
            // Released already (FinishTurnAsync clears it), or never saved: nothing to free.
            if (conversation.TurnLeaseUntil is null || db.Entry(conversation).State == EntityState.Added) return;
            // Its own lease only: a turn taken for dead may meanwhile hold the conversation under another one.
            var lease = conversation.TurnLeaseUntil;
            await db.Conversations.Where(c => c.Id == id && c.TurnLeaseUntil == lease).ExecuteUpdateAsync(set => set.SetProperty(c => c.TurnLeaseUntil, (DateTime?)null)
                .SetProperty(c => c.TurnProgress, (string?)null).SetProperty(c => c.TurnProgressAt, (DateTime?)null));
        }
        catch (Exception e) when (DomainExceptionHandler.IsDatabaseUnavailable(e))
        {
            LogLeaseNotFreed(logger, e, id); // the lease expires by itself
        }
    }

    /// <summary>
    /// The conversation's last <paramref name="limit"/> messages, as the model should see them, and the id of the
    /// assistant message a turn that only answers approval requests continues (the page shows that turn in it).
    /// </summary>
    public async Task<TurnHistory> LoadHistoryAsync(Conversation conversation, int limit, CancellationToken cancellationToken)
    {
        if (db.Entry(conversation).State == EntityState.Added) return new([], null); // a new conversation has none
        var conversationId = conversation.Id;
        var rows = await db.Messages.AsNoTracking()
            .Where(m => m.ConversationId == conversationId && m.Role != MessageRoles.Error)
            .OrderByDescending(m => m.CreatedAt).ThenByDescending(m => m.Id)
            .Take(limit)
            .ToListAsync(cancellationToken);
        // Newest first here: the assistant message is the first of the rows since the last message the user wrote.
        var continued = rows.TakeWhile(r => r.Role == MessageRoles.Assistant || r.Content.Length == 0)
            .LastOrDefault(r => r.Role == MessageRoles.Assistant)?.Id;
        rows.Reverse();
        return new([.. rows.SelectMany(ToChatMessages)], continued);
    }

    public Task<Message> AddUserMessageAsync(Conversation conversation, string content, IList<ChatMessage>? turn) =>
        AddAsync(conversation, MessageRoles.User, content, turn, usage: null);

    /// <summary>
    /// Stores the turn's last message (the answer, or an error) and frees the conversation, its progress gone, in one
    /// commit. <paramref name="id"/>: the id the answer had as it streamed, so the page's message keeps it.
    /// </summary>
    public async Task<Message> FinishTurnAsync(Conversation conversation, string role, string content, IList<ChatMessage>? turn = null, UsageDetails? usage = null, Guid? id = null)
    {
        conversation.TurnLeaseUntil = null;
        conversation.TurnProgress = null;
        conversation.TurnProgressAt = null;
        conversation.TurnStopRequestedAt = null;
        if (db.Entry(conversation).State != EntityState.Added)
        {
            // Attached with the lease only: its other columns are null here whatever the row holds, so say they changed.
            foreach (var property in new[] { nameof(Conversation.TurnProgress), nameof(Conversation.TurnProgressAt), nameof(Conversation.TurnStopRequestedAt) })
            {
                db.Entry(conversation).Property(property).IsModified = true;
            }
        }
        return await AddAsync(conversation, role, content, turn, usage, id);
    }

    private async Task<Message> AddAsync(Conversation conversation, string role, string content, IList<ChatMessage>? turn, UsageDetails? usage, Guid? id = null)
    {
        var message = new Message
        {
            Id = id ?? Guid.Empty,
            ConversationId = conversation.Id,
            Role = role,
            Content = content,
            ToolCalls = turn is { Count: > 0 } ? JsonSerializer.Serialize(turn, AIJsonUtilities.DefaultOptions) : null,
            InputTokens = (int?)usage?.InputTokenCount,
            OutputTokens = (int?)usage?.OutputTokenCount,
        };
        db.Messages.Add(message);
        if (db.Entry(conversation).State != EntityState.Added)
        {
            db.Entry(conversation).Property(c => c.UpdatedAt).IsModified = true; // the DbContext stamps the time
        }
        // Saved without the request's token: once the model has answered, the turn is recorded even if the client left.
        await db.SaveChangesAsync(CancellationToken.None);
        if (_turnStart is { } turnStart)
        {
            await turnStart.CommitAsync(CancellationToken.None);
            await EndTurnStartAsync();
        }
        return message;
    }

    /// <summary>Ends the lease's transaction: after its commit, or (not committed) rolling it back.</summary>
    private async Task EndTurnStartAsync()
    {
        var turnStart = _turnStart!;
        _turnStart = null;
        await turnStart.DisposeAsync();
    }

    public static IList<ChatMessage> ToChatMessages(Message row)
    {
        if (row.ToolCalls is { Length: > 0 } json)
        {
            return JsonSerializer.Deserialize<List<ChatMessage>>(json, AIJsonUtilities.DefaultOptions) ?? [];
        }
        return [new ChatMessage(row.Role == MessageRoles.User ? ChatRole.User : ChatRole.Assistant, row.Content)];
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The turn lease of conversation {ConversationId} could not be freed; it expires by itself")]
    private static partial void LogLeaseNotFreed(ILogger logger, Exception exception, Guid conversationId);
}

/// <summary>What the model sees of a conversation, and the assistant message an approval answer continues.</summary>
public sealed record TurnHistory(List<ChatMessage> Messages, Guid? ContinuedMessageId);

/// <summary>Another chat turn is still being answered in this conversation.</summary>
public sealed class ConversationBusyException(Guid id)
    : DomainException(DomainErrorKind.Conflict, "The conversation is busy.",
        $"An answer is still being written in conversation {id}. Wait for it to finish, then send your message again.");
