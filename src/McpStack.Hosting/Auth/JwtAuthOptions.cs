using System.ComponentModel.DataAnnotations;

namespace McpStack.Hosting.Auth;

/// <summary>Which tokens a service accepts. Bound from the <c>Auth</c> configuration section.</summary>
public sealed class JwtAuthOptions
{
    public const string SectionName = "Auth";

    /// <summary>The issuers whose tokens are trusted; each publishes its keys as a JWKS.</summary>
    [MinLength(1, ErrorMessage = "Auth:Issuers needs at least one trusted issuer.")]
    public List<TrustedIssuer> Issuers { get; set; } = [];

    /// <summary>The audience a token must name: this service. A token minted for another tier is refused.</summary>
    [Required(ErrorMessage = "Auth:Audience is required: the identifier (URL) of this service that tokens must name.")]
    public string Audience { get; set; } = "";

    /// <summary>Signature algorithms accepted; anything else, <c>none</c> included, is refused.</summary>
    public List<string> Algorithms { get; set; } = ["ES256", "RS256"];

    /// <summary>Leeway for clock differences between the issuer and this service.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How often signing keys are fetched again even when nothing asks for it: how long a key withdrawn from the JWKS
    /// may still verify new tokens. Microsoft.IdentityModel's floor is 5 minutes.
    /// </summary>
    [Range(typeof(TimeSpan), "00:05:00", "1.00:00:00", ErrorMessage = "Auth:JwksRefreshInterval must be between 5 minutes and 1 day.")]
    public TimeSpan JwksRefreshInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long a validated token is remembered before its signature is checked again (never past its expiry). A token
    /// signed with a withdrawn key stops working at most <see cref="JwksRefreshInterval"/> + this after the withdrawal.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00", ErrorMessage = "Auth:ValidatedTokenCacheLifetime must be between 0 and 1 hour.")]
    public TimeSpan ValidatedTokenCacheLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The least time between two fetches forced by a token with an unknown key id (key rotation).</summary>
    public TimeSpan JwksMinimumRefreshInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Whether the JWKS must be fetched over HTTPS; off only in Development or tests on loopback.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;
}

public sealed class TrustedIssuer
{
    /// <summary>The <c>iss</c> value its tokens carry.</summary>
    [Required]
    public string Issuer { get; set; } = "";

    /// <summary>Where its signing keys are published; defaults to OpenID discovery from <see cref="Issuer"/>.</summary>
    public string? JwksUrl { get; set; }

    /// <summary>
    /// A JWKS file on this machine instead of <see cref="JwksUrl"/>, read again as often as a URL would be fetched: the
    /// development issuer of <c>dotnet McpStack.Api.dll dev-token</c>, which a solution without the web tier runs on.
    /// </summary>
    public string? JwksFile { get; set; }

    /// <summary>
    /// Which user base its subjects belong to: a user's id is <c>namespace|sub</c>, so two issuers' subjects never name
    /// the same user. Unset, it is the issuer itself. Empty means the primary user base, whose ids are the bare
    /// <c>sub</c>: the web tier's issuer at the api, and at the MCP server the api (whose tokens carry those ids) and the
    /// web tier when it signs MCP clients in. Never empty for an issuer whose users are not McpStack's own.
    /// </summary>
    [RegularExpression(@"^[^|]*$", ErrorMessage = "A UserNamespace cannot contain '|'.")]
    public string? UserNamespace { get; set; }

    /// <summary>
    /// Whether MCP clients can sign in with this issuer (an OAuth authorization server): the MCP server's RFC 9728
    /// metadata names only these. The api, which mints tokens for the MCP server but signs nobody in, is not one.
    /// </summary>
    public bool AuthorizationServer { get; set; }

    /// <summary>
    /// Where this service asks, on every request, whether a token of this issuer still stands: the user may have
    /// disconnected the app it was issued to, which its signature cannot show. An RFC 7662-shaped endpoint (form field
    /// <c>token</c>, answer <c>{"active": …}</c>) that takes the token as its own credential: the web tier's
    /// <c>/api/oauth/token-status</c>. Unset, a token stands until it expires.
    /// </summary>
    [Url]
    public string? TokenStatusUrl { get; set; }

    /// <summary>The longest life a token of this issuer may have (expiry minus issue time); longer ones are refused.</summary>
    [Range(typeof(TimeSpan), "00:00:30", "1.00:00:00")]
    public TimeSpan MaxTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The id McpStack stores for this issuer's <paramref name="subject"/>.</summary>
    public string UserKey(string subject) => UserNamespace switch
    {
        "" => subject,
        null => $"{Issuer}|{subject}",
        var ns => $"{ns}|{subject}",
    };
}
