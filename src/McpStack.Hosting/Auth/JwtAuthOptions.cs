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

    /// <summary>How often signing keys are fetched again even when nothing asks for it.</summary>
    public TimeSpan JwksRefreshInterval { get; set; } = TimeSpan.FromHours(1);

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
}
