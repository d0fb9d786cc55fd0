namespace McpStack.Data.Tasks;

/// <summary>Input that breaks a rule; <see cref="Errors"/> maps each field to what is wrong with it.</summary>
public sealed class InputValidationException(IReadOnlyDictionary<string, string[]> errors)
    : Exception(string.Join(" ", errors.SelectMany(e => e.Value)))
{
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors;

    public static InputValidationException For(string field, string message) => new(new Dictionary<string, string[]> { [field] = [message] });
}

/// <summary>No such row for the current user: it does not exist or belongs to someone else (the two are not told apart).</summary>
public sealed class NotFoundException(string kind, Guid id) : Exception($"No {kind} with id {id} was found.");

/// <summary>The row changed since the caller read it.</summary>
public sealed class ConcurrencyConflictException(int expectedVersion, int currentVersion)
    : Exception($"The task was changed by someone else (you had version {expectedVersion}, it is now {currentVersion}). Reload it and try again.")
{
    public int CurrentVersion { get; } = currentVersion;
}

/// <summary>Another chat turn is still being answered in this conversation.</summary>
public sealed class ConversationBusyException(Guid id)
    : Exception($"An answer is still being written in conversation {id}. Wait for it to finish, then send your message again.");

/// <summary>The user has as many of something as they may keep (<see cref="QuotaOptions"/>).</summary>
public sealed class QuotaExceededException(string kind, int limit)
    : Exception($"You have {limit} {kind}, the most you may keep. Delete some to add more.")
{
    public int Limit { get; } = limit;
}
