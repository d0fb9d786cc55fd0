namespace McpStack.Data;

public static class EntityIds
{
    /// <summary>Parses an id given as text (by a model, a URL), with a message a person or a model can act on.</summary>
    /// <param name="id">The text.</param>
    /// <param name="kind">What it names, for the message: "task".</param>
    /// <param name="field">The argument it came in.</param>
    public static Guid Parse(string? id, string kind, string field = "id")
    {
        if (string.IsNullOrWhiteSpace(id)) throw InputValidationException.For(field, $"A {kind} id is required.");
        if (!Guid.TryParse(id.Trim(), out var guid))
        {
            var shown = id.Length > 40 ? id[..40] + "…" : id;
            throw InputValidationException.For(field, $"'{shown}' is not a {kind} id: ids are UUIDs such as 0192f0c1-7a5e-7cc3-9d1a-3b4c5d6e7f80.");
        }
        return guid;
    }
}
