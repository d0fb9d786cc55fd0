using System.Security.Claims;
using System.Security.Cryptography;
using McpStack.Hosting.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace McpStack.Testing;

/// <summary>
/// A real token issuer for tests: it serves its public keys as a JWKS over HTTP on loopback and signs tokens
/// with the private halves, so services under test validate tokens exactly as they would in production.
/// </summary>
public sealed class TestIssuer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<SecurityKey> _published = [];
    private readonly Lock _lock = new();

    private TestIssuer(WebApplication app, string issuer)
    {
        _app = app;
        Issuer = issuer;
        Es256 = NewEcKey();
        Rs256 = NewRsaKey();
        _published.AddRange([Es256, Rs256]);
    }

    public string Issuer { get; }
    public string JwksUrl => $"{Issuer}/jwks.json";
    public SecurityKey Es256 { get; private set; }
    public SecurityKey Rs256 { get; }
    private int _jwksRequests;

    /// <summary>How many times the JWKS was fetched.</summary>
    public int JwksRequests => Volatile.Read(ref _jwksRequests);

    public static async Task<TestIssuer> StartAsync()
    {
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var issuer = new TestIssuer(app, $"http://127.0.0.1:{port}");
        app.MapGet("/jwks.json", () =>
        {
            Interlocked.Increment(ref issuer._jwksRequests);
            lock (issuer._lock)
            {
                return Results.Json(Jwks.From(issuer._published));
            }
        });
        await app.StartAsync();
        return issuer;
    }

    /// <summary>Publishes a new ES256 key and signs with it from now on; the old one stays published.</summary>
    public SecurityKey RotateEs256()
    {
        var key = NewEcKey();
        lock (_lock)
        {
            _published.Add(key);
            Es256 = key;
        }
        return key;
    }

    public static ECDsaSecurityKey NewEcKey() => new(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = "ec-" + Guid.NewGuid().ToString("N")[..12] };

    public static RsaSecurityKey NewRsaKey() => new(RSA.Create(2048)) { KeyId = "rsa-" + Guid.NewGuid().ToString("N")[..12] };

    /// <summary>A token for <paramref name="subject"/>; every part can be bent to test how it is refused.</summary>
    public string CreateToken(
        string subject,
        string audience,
        TimeSpan? lifetime = null,
        DateTime? notBefore = null,
        string? issuer = null,
        SecurityKey? key = null,
        string? algorithm = null,
        IDictionary<string, object>? claims = null)
    {
        key ??= Es256;
        algorithm ??= key is RsaSecurityKey ? SecurityAlgorithms.RsaSha256 : SecurityAlgorithms.EcdsaSha256;
        var now = DateTime.UtcNow;
        var nbf = notBefore ?? now.AddSeconds(-5);
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer ?? Issuer,
            Audience = audience,
            Subject = new ClaimsIdentity([new Claim(JwtRegisteredClaimNames.Sub, subject), new Claim("email", $"{subject}@example.test")]),
            IssuedAt = nbf,
            NotBefore = nbf,
            Expires = nbf + (lifetime ?? TimeSpan.FromMinutes(5)),
            SigningCredentials = new SigningCredentials(key, algorithm),
            Claims = claims,
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    /// <summary>An unsigned token (<c>alg: none</c>) that is otherwise valid.</summary>
    public string CreateUnsignedToken(string subject, string audience)
    {
        var header = Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""");
        var exp = DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds();
        var payload = Base64UrlEncoder.Encode($$"""{"iss":"{{Issuer}}","aud":"{{audience}}","sub":"{{subject}}","exp":{{exp}}}""");
        return $"{header}.{payload}.";
    }

    /// <summary>The token with one payload claim changed after signing.</summary>
    public static string Tamper(string token, string claim, string value)
    {
        var parts = token.Split('.');
        var payload = System.Text.Json.Nodes.JsonNode.Parse(Base64UrlEncoder.Decode(parts[1]))!.AsObject();
        payload[claim] = value;
        parts[1] = Base64UrlEncoder.Encode(payload.ToJsonString());
        return string.Join('.', parts);
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
