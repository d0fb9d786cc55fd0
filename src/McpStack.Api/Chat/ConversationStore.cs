using System.Text.Json;
using McpStack.Data;
using McpStack.Data.Entities;
using McpStack.Data.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;

namespace McpStack.Api.Chat;

/// <summary>
/// Conversations in the database, the only place chat state lives (any api instance can serve any turn).
/// A message's tool calls and results are stored as Microsoft.Extensions.AI messages (JSON), so the history the
/// model sees next turn is exactly what happened, whatever the provider.
/// </summary>
public sealed class ConversationStore(AppDbContext db)
{
    private const int TitleLength = 60;

    public async Task<Conversation> GetOrCreateAsync(Guid? id, string firstMessage, CancellationToken cancellationToken)
    {
        if (id is { } existing)
        {
            return await db.Conversations.FirstOrDefaultAsync(c => c.Id == existing, cancellationToken) ?? throw new NotFoundException("conversation", existing);
        }
        var title = firstMessage.Trim().ReplaceLineEndings(" ");
        var conversation = new Conversation { Title = title.Length > TitleLength ? title[..TitleLength] + "…" : title.Length == 0 ? "New chat" : title };
        // Saved with the turn's first message, in one commit (see AddAsync).
        db.Conversations.Add(conversation);
        return conversation;
    }

    /// <summary>The conversation's last <paramref name="limit"/> messages, as the model should see them.</summary>
    public async Task<List<ChatMessage>> LoadHistoryAsync(Conversation conversation, int limit, CancellationToken cancellationToken)
    {
        if (db.Entry(conversation).State == Microsoft.EntityFrameworkCore.EntityState.Added) return []; // a new conversation has none
        var conversationId = conversation.Id;
        var rows = await db.Messages.AsNoTracking()
            .Where(m => m.ConversationId == conversationId && m.Role != MessageRoles.Error)
            .OrderByDescending(m => m.CreatedAt).ThenByDescending(m => m.Id)
            .Take(limit)
            .ToListAsync(cancellationToken);
        rows.Reverse();
        return [.. rows.SelectMany(ToChatMessages)];
    }

    public async Task<Message> AddAsync(Conversation conversation, string role, string content, IList<ChatMessage>? turn = null, UsageDetails? usage = null)
    {
        var message = new Message
        {
            ConversationId = conversation.Id,
            Role = role,
            Content = content,
            ToolCalls = turn is { Count: > 0 } ? JsonSerializer.Serialize(turn, AIJsonUtilities.DefaultOptions) : null,
            InputTokens = (int?)usage?.InputTokenCount,
            OutputTokens = (int?)usage?.OutputTokenCount,
        };
        db.Messages.Add(message);
        if (db.Entry(conversation).State != Microsoft.EntityFrameworkCore.EntityState.Added)
        {
            db.Entry(conversation).Property(c => c.UpdatedAt).IsModified = true; // the DbContext stamps the time
        }
        // Saved without the request's token: once the model has answered, the turn is recorded even if the client left.
        await db.SaveChangesAsync(CancellationToken.None);
        return message;
    }

    public static IList<ChatMessage> ToChatMessages(Message row)
    {
        if (row.ToolCalls is { Length: > 0 } json)
        {
            return JsonSerializer.Deserialize<List<ChatMessage>>(json, AIJsonUtilities.DefaultOptions) ?? [];
        }
        return [new ChatMessage(row.Role == MessageRoles.User ? ChatRole.User : ChatRole.Assistant, row.Content)];
    }
}
