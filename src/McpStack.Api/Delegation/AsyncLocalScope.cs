namespace McpStack.Api.Delegation;

/// <summary>Sets an <see cref="AsyncLocal{T}"/> for the current async flow until disposed, then puts back what it held.</summary>
internal static class AsyncLocalScope
{
    public static IDisposable Set<T>(AsyncLocal<T> local, T value)
    {
        var previous = local.Value;
        local.Value = value;
        return new Restore<T>(local, previous);
    }

    private sealed class Restore<T>(AsyncLocal<T> local, T? previous) : IDisposable
    {
        public void Dispose() => local.Value = previous!; // what the local held before, null included
    }
}
