using Microsoft.IdentityModel.JsonWebTokens;

namespace McpStack.Hosting.Auth;

/// <summary>
/// What a token must also satisfy once its signature, issuer, audience and expiry check out (RFC 7515 and 7519, and
/// McpStack's own limits). Each refusal is a reason for the log, never for the client.
/// </summary>
public static class TokenRules
{
    public static string? Refusal(JsonWebToken? token, TrustedIssuer issuer, TimeSpan clockSkew, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        if (token is null) return "The token is not a JWS.";
        // RFC 7515 §4.1.11: a header parameter marked critical that the recipient does not understand voids the token.
        // McpStack understands no extensions.
        if (token.TryGetHeaderValue<object>("crit", out _)) return "The token names critical header parameters, which are not supported.";

        if (!token.TryGetPayloadValue<string>(JwtRegisteredClaimNames.Sub, out var sub) || string.IsNullOrWhiteSpace(sub))
        {
            return "The token has no 'sub' claim.";
        }
        if (sub != sub.Trim() || sub.Any(char.IsControl)) return "The token's 'sub' has surrounding spaces or control characters.";

        var issuedAt = token.TryGetPayloadValue<long>(JwtRegisteredClaimNames.Iat, out _) ? token.IssuedAt : (DateTime?)null;
        if (issuedAt > now + clockSkew) return "The token's 'iat' is in the future.";
        var lifetime = token.ValidTo - (issuedAt ?? now);
        if (lifetime > issuer.MaxTokenLifetime + clockSkew)
        {
            return $"The token lives {lifetime}; tokens of {issuer.Issuer} may live at most {issuer.MaxTokenLifetime} (Auth:Issuers:N:MaxTokenLifetime).";
        }
        return null;
    }
}
