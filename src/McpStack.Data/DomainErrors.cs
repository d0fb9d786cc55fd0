namespace McpStack.Data;

/// <summary>What kind of refusal a domain error is; each host maps the kind, not the type (REST: 400/404/409, MCP: isError).</summary>
public enum DomainErrorKind
{
    /// <summary>Input that breaks a rule.</summary>
    Invalid,

    /// <summary>No such row for the current user.</summary>
    NotFound,

    /// <summary>The request clashes with the current state: a newer version, a quota, a busy resource.</summary>
    Conflict,
}

/// <summary>
/// A refusal the user can act on, with a message meant for them. Any feature's errors derive from it, so the hosts
/// answer them without knowing the feature (<c>DomainExceptionHandler</c>, the MCP tools' refusals).
/// </summary>
public abstract class DomainException(DomainErrorKind kind, string title, string message) : Exception(message)
{
    public DomainErrorKind Kind { get; } = kind;

    /// <summary>A short summary for the problem details' <c>title</c>.</summary>
    public string Title { get; } = title;

    /// <summary>Extra members for the problem details (e.g. <c>currentVersion</c>).</summary>
    public virtual IReadOnlyDictionary<string, object?> Details => new Dictionary<string, object?>();
}

/// <summary>Input that breaks a rule; <see cref="Errors"/> maps each field to what is wrong with it.</summary>
public sealed class InputValidationException(IReadOnlyDictionary<string, string[]> errors)
    : DomainException(DomainErrorKind.Invalid, "The request has invalid fields.", string.Join(" ", errors.SelectMany(e => e.Value)))
{
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors;

    public static InputValidationException For(string field, string message) => new(new Dictionary<string, string[]> { [field] = [message] });
}

/// <summary>No such row for the current user: it does not exist or belongs to someone else (the two are not told apart).</summary>
public sealed class NotFoundException(string kind, Guid id) : DomainException(DomainErrorKind.NotFound, "Not found.", $"No {kind} with id {id} was found.");

/// <summary>The row changed since the caller read it.</summary>
public sealed class ConcurrencyConflictException(string kind, int expectedVersion, int currentVersion)
    : DomainException(DomainErrorKind.Conflict, "The resource was changed by someone else.",
        $"The {kind} was changed by someone else (you had version {expectedVersion}, it is now {currentVersion}). Reload it and try again.")
{
    public int CurrentVersion { get; } = currentVersion;

    public override IReadOnlyDictionary<string, object?> Details => new Dictionary<string, object?> { ["currentVersion"] = CurrentVersion };
}

/// <summary>The user has as many of something as they may keep (<see cref="QuotaOptions"/>).</summary>
public sealed class QuotaExceededException(string kind, int limit)
    : DomainException(DomainErrorKind.Conflict, "Quota reached.", $"You have {limit} {kind}, the most you may keep. Delete some to add more.")
{
    public int Limit { get; } = limit;

    public override IReadOnlyDictionary<string, object?> Details => new Dictionary<string, object?> { ["limit"] = Limit };
}
