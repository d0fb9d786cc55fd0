namespace McpStack.Data;

/// <summary>Who the current request acts for. The id always comes from a validated token, never from input.</summary>
public interface ICurrentUser
{
    /// <summary>
    /// The user's id, from the token's issuer and subject (the bare <c>sub</c> for the primary user base), or null when
    /// no user is signed in. See <c>TrustedIssuer.UserNamespace</c>.
    /// </summary>
    string? UserId { get; }
}

/// <summary>No user: queries on user-owned data return nothing and writes are refused. Used by the migrate command.</summary>
public sealed class NoCurrentUser : ICurrentUser
{
    public static readonly NoCurrentUser Instance = new();

    public string? UserId => null;
}
