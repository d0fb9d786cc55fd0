using McpStack.Hosting;
using Microsoft.Extensions.Options;

namespace McpStack.Api.Security;

/// <summary>
/// One write budget per user (<see cref="RateLimitOptions.WritesPerMinute"/>), spent by every write the api makes for
/// them: REST task writes, tool calls through <c>/api/tools</c>, and the chat's tool calls, whether a model or a slash
/// command makes them. Before, a chat turn could make hundreds of writes a second while REST got 429s.
/// </summary>
public sealed class WriteBudget(IOptions<RateLimitOptions> options) : PerUserWriteLimit(options.Value.WritesPerMinute);
