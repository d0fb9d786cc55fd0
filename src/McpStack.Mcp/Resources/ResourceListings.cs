using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpStack.Mcp.Resources;

/// <summary>
/// Resources a feature lists for the signed-in user (one per record: <c>task://{id}</c>, say), beside the fixed ones its
/// <see cref="McpServerResourceAttribute"/> methods declare. A feature implements it; the server finds it.
/// </summary>
public interface IResourceListing
{
    Task<IEnumerable<Resource>> ListAsync(IServiceProvider services, CancellationToken cancellationToken);
}

/// <summary>
/// Values offered for a prompt's or a resource template's argument as the user types it (<c>completion/complete</c>):
/// a feature implements it for its own prompts and templates, and answers null for the others.
/// </summary>
public interface ICompletionSource
{
    Task<IReadOnlyList<string>?> CompleteAsync(Reference reference, Argument argument, IServiceProvider services, CancellationToken cancellationToken);
}

/// <summary>Wires every <see cref="IResourceListing"/> and <see cref="ICompletionSource"/> of this assembly into the server.</summary>
public static class ResourceListings
{
    /// <summary>The most completion values one answer carries (the protocol's own bound).</summary>
    public const int MaxCompletionValues = 100;

    /// <summary>The protocol's answer for a resource that is not there: -32002 up to 2025-11-25, invalid params from 2026-07-28.</summary>
    public static McpProtocolException NotFound(McpServer server, string message) =>
        new(message, string.CompareOrdinal(server.NegotiatedProtocolVersion, "2026-07-28") >= 0 ? McpErrorCode.InvalidParams : McpErrorCode.ResourceNotFound);

    public static IMcpServerBuilder WithFeatureListingsAndCompletions(this IMcpServerBuilder builder)
    {
        var types = typeof(ResourceListings).Assembly.GetTypes().Where(t => t is { IsClass: true, IsAbstract: false }).ToList();
        var listings = types.Where(typeof(IResourceListing).IsAssignableFrom).Select(t => (IResourceListing)Activator.CreateInstance(t)!).ToList();
        var completions = types.Where(typeof(ICompletionSource).IsAssignableFrom).Select(t => (ICompletionSource)Activator.CreateInstance(t)!).ToList();
        if (listings.Count > 0)
        {
            builder.WithListResourcesHandler(async (request, cancellationToken) =>
            {
                var result = new ListResourcesResult();
                foreach (var listing in listings)
                {
                    foreach (var resource in await listing.ListAsync(request.Services!, cancellationToken)) result.Resources.Add(resource);
                }
                return result;
            });
        }
        if (completions.Count > 0)
        {
            builder.WithCompleteHandler(async (request, cancellationToken) =>
            {
                if (request.Params is not { } p) return new CompleteResult();
                foreach (var source in completions)
                {
                    if (await source.CompleteAsync(p.Ref, p.Argument, request.Services!, cancellationToken) is { } values)
                    {
                        return new CompleteResult
                        {
                            Completion = new Completion { Values = [.. values.Take(MaxCompletionValues)], Total = values.Count, HasMore = values.Count > MaxCompletionValues },
                        };
                    }
                }
                return new CompleteResult();
            });
        }
        return builder;
    }
}
