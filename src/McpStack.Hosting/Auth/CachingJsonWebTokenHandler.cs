using Microsoft.Extensions.Caching.Memory;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace McpStack.Hosting.Auth;

/// <summary>
/// A <see cref="JsonWebTokenHandler"/> that remembers the tokens it validated until they expire, so a client that
/// reuses its token (MCP clients do; so does the api with the tokens it mints) pays for the signature check once
/// instead of on every request. Only valid tokens are kept, keyed by the whole token, until they expire or
/// <paramref name="lifetime"/> passes, whichever is first; then the signature is checked again against the current
/// keys, so a key withdrawn from the issuer's JWKS stops the tokens already seen within that time.
/// </summary>
public sealed class CachingJsonWebTokenHandler(TimeProvider timeProvider, TimeSpan lifetime) : JsonWebTokenHandler, IDisposable
{
    /// <summary>Enough for every active client of one replica; beyond it, tokens are simply validated again.</summary>
    private const int MaxEntries = 20_000;

    private readonly MemoryCache _validated = new(new MemoryCacheOptions { SizeLimit = MaxEntries });

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        var now = timeProvider.GetUtcNow().UtcDateTime;
        if (_validated.TryGetValue(token, out (TokenValidationResult Result, DateTime Until) known) && known.Until > now)
        {
            return Copy(known.Result);
        }

        var result = await base.ValidateTokenAsync(token, validationParameters);
        var until = Min(result.SecurityToken?.ValidTo ?? now, now + lifetime);
        if (result.IsValid && until > now)
        {
            _validated.Set(token, (result, until), new MemoryCacheEntryOptions { Size = 1, AbsoluteExpiration = until });
            return Copy(result);
        }
        return result;
    }

    /// <summary>Each request gets an identity of its own, so nothing one request does to it reaches another.</summary>
    private static TokenValidationResult Copy(TokenValidationResult result) => new()
    {
        IsValid = true,
        ClaimsIdentity = result.ClaimsIdentity.Clone(),
        SecurityToken = result.SecurityToken,
        Issuer = result.Issuer,
        TokenType = result.TokenType,
    };

    private static DateTime Min(DateTime a, DateTime b) => a < b ? a : b;

    public void Dispose() => _validated.Dispose();
}
