using ModelContextProtocol.Protocol;

namespace McpStack.Mcp.Tools;

/// <summary>
/// Lets 2026-07-28 clients cache the tool list (SEP-2549 <c>ttlMs</c>, <c>cacheScope</c>). The SDK marks every list
/// "stale at once, private"; McpStack's is the same for every user and changes only with a deployment. Earlier
/// revisions refuse the two fields, so they go only on requests that carry the 2026-07-28 <c>_meta</c>.
/// </summary>
public static class ToolListCaching
{
    private const string ProtocolVersionMeta = "io.modelcontextprotocol/protocolVersion";

    public static IMcpServerBuilder WithCacheableToolList(this IMcpServerBuilder builder, TimeSpan timeToLive) =>
        builder.WithRequestFilters(filters => filters.AddListToolsFilter(next => async (context, cancellationToken) =>
        {
            var result = await next(context, cancellationToken);
            if (context.Params?.Meta?[ProtocolVersionMeta] is System.Text.Json.Nodes.JsonValue version
                && version.TryGetValue<string>(out var revision) && IsJuly2026OrLater(revision))
            {
                result.TimeToLive = timeToLive;
                result.CacheScope = CacheScope.Public;
            }
            return result;
        }));

    // Revisions are dates, so they compare as strings.
    private static bool IsJuly2026OrLater(string revision) => string.CompareOrdinal(revision, "2026-07-28") >= 0;
}
