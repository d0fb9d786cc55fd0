using System.Security.Claims;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace McpStack.Api.Delegation;

/// <summary>
/// Mints the token the api presents to the MCP server for one user: audience = the MCP server, subject = the user,
/// a few minutes of life. The browser's own token is never passed through. A user's token is reused for the first half
/// of its life (so it has minutes left whenever it is sent), which saves signing it per call and lets the MCP server
/// recognise it instead of verifying it again.
/// </summary>
public sealed class DelegatedTokenMinter(DelegationSigningKey key, IOptions<DelegationOptions> options, TimeProvider timeProvider) : IDisposable
{
    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    public const string Scopes = "tasks:read tasks:write";

    private readonly MemoryCache _tokens = new(new MemoryCacheOptions { SizeLimit = 100_000 });

    public string TokenFor(string userId)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        var now = timeProvider.GetUtcNow();
        if (_tokens.TryGetValue(userId, out (string Token, DateTimeOffset ReuseUntil) minted) && minted.ReuseUntil > now)
        {
            return minted.Token;
        }
        var token = Mint(userId);
        _tokens.Set(userId, (token, now + options.Value.TokenLifetime / 2), new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = options.Value.TokenLifetime / 2 });
        return token;
    }

    /// <summary>A new token, never reused.</summary>
    public string Mint(string userId)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        var now = timeProvider.GetUtcNow().UtcDateTime;
        return Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = options.Value.Issuer,
            Audience = options.Value.McpServerUrl,
            Subject = new ClaimsIdentity([new Claim(JwtRegisteredClaimNames.Sub, userId)]),
            // What the chat and /api/tools need: reading and writing the user's tasks (the MCP server's scopes).
            Claims = new Dictionary<string, object> { ["scope"] = Scopes },
            IssuedAt = now,
            NotBefore = now,
            Expires = now + options.Value.TokenLifetime,
            SigningCredentials = key.Credentials,
        });
    }

    public void Dispose() => _tokens.Dispose();
}
