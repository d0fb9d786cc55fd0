using McpStack.Hosting;
using Microsoft.Extensions.Options;

namespace McpStack.Api.Security;

/// <summary>
/// One write budget per user (<see cref="RateLimitOptions.WritesPerMinute"/>), spent by every write the api makes for
/// them: REST task writes, tool calls through <c>/api/tools</c>, and the chat's tool calls, whether a model or a slash
/// command makes them. Before, a chat turn could make hundreds of writes a second while REST got 429s.
/// </summary>
public sealed class WriteBudget(IOptions<RateLimitOptions> options, RateLimitCounter counter)
    : PerUserLimit("writes", options.Value.WritesPerMinute, counter);

/// <summary>The chat turns one user may start per minute (<see cref="RateLimitOptions.ChatTurnsPerMinute"/>).</summary>
public sealed class ChatTurnBudget(IOptions<RateLimitOptions> options, RateLimitCounter counter)
    : PerUserLimit("chat", options.Value.ChatTurnsPerMinute, counter)
{
    public override string Refusal(TimeSpan retryAfter) => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"The chat limit ({PerMinute} turns a minute) is reached. Try again in {Seconds(retryAfter)} s.");
}
