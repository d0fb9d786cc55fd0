using System.Security.Claims;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace McpStack.Api.Delegation;

/// <summary>
/// Mints the token the api presents to the MCP server for one user: audience = the MCP server, subject = the user,
/// a few minutes of life. The browser's own token is never passed through.
/// </summary>
public sealed class DelegatedTokenMinter(DelegationSigningKey key, IOptions<DelegationOptions> options, TimeProvider timeProvider)
{
    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    public string Mint(string userId)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        var now = timeProvider.GetUtcNow().UtcDateTime;
        return Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = options.Value.Issuer,
            Audience = options.Value.McpServerUrl,
            Subject = new ClaimsIdentity([new Claim(JwtRegisteredClaimNames.Sub, userId)]),
            IssuedAt = now,
            NotBefore = now,
            Expires = now + options.Value.TokenLifetime,
            SigningCredentials = key.Credentials,
        });
    }
}
