using System.Security.Claims;
using System.Security.Cryptography;
using McpStack.Hosting.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using NSec.Cryptography;

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

    /// <summary>Answers whether a token still stands, as the web tier's token status endpoint does: no, once its subject <see cref="Disconnect"/>s.</summary>
    public string TokenStatusUrl => $"{Issuer}/token-status";
    private readonly HashSet<string> _disconnected = [];
    private int _tokenStatusRequests;

    /// <summary>How many times the token status endpoint was asked.</summary>
    public int TokenStatusRequests => Volatile.Read(ref _tokenStatusRequests);

    /// <summary>From now on, every token of <paramref name="subject"/> is reported inactive (the user disconnected the app).</summary>
    public void Disconnect(string subject)
    {
        lock (_lock) _disconnected.Add(subject);
    }
    public SecurityKey Es256 { get; private set; }
    public SecurityKey Rs256 { get; }

    /// <summary>An Ed25519 key (Better Auth's default), signed with by <see cref="CreateEdDsaToken"/>.</summary>
    public Key Ed25519 { get; } = Key.Create(SignatureAlgorithm.Ed25519, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });

    public string Ed25519KeyId { get; } = "ed-" + Guid.NewGuid().ToString("N")[..12];
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
                var keys = Jwks.From(issuer._published).Keys.Append(new PublicJwk
                {
                    Kty = "OKP",
                    Crv = "Ed25519",
                    Alg = "EdDSA",
                    Kid = issuer.Ed25519KeyId,
                    X = Base64UrlEncoder.Encode(issuer.Ed25519.PublicKey.Export(KeyBlobFormat.RawPublicKey)),
                });
                return Results.Json(new Jwks([.. keys]));
            }
        });
        app.MapPost("/token-status", async (HttpRequest request) =>
        {
            Interlocked.Increment(ref issuer._tokenStatusRequests);
            var form = await request.ReadFormAsync();
            var handler = new JsonWebTokenHandler();
            var token = form["token"].ToString();
            if (form["token_type_hint"] != "access_token" || !handler.CanReadToken(token)) return Results.BadRequest();
            lock (issuer._lock) return Results.Json(new { active = !issuer._disconnected.Contains(handler.ReadJsonWebToken(token).Subject) });
        });
        await app.StartAsync();
        return issuer;
    }

    /// <summary>Takes <paramref name="key"/> out of the JWKS, as an issuer does with a compromised key.</summary>
    public void Withdraw(SecurityKey key)
    {
        lock (_lock) _published.Remove(key);
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

    /// <summary>
    /// A token for <paramref name="subject"/>; every part can be bent to test how it is refused. It carries the MCP
    /// server's scopes unless <paramref name="scope"/> says otherwise (null: no scope claim).
    /// </summary>
    public string CreateToken(
        string subject,
        string audience,
        TimeSpan? lifetime = null,
        DateTime? notBefore = null,
        string? issuer = null,
        SecurityKey? key = null,
        string? algorithm = null,
        IDictionary<string, object>? claims = null,
        DateTime? issuedAt = null,
        IDictionary<string, object>? header = null,
        string? scope = "tasks:read tasks:write")
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
            IssuedAt = issuedAt ?? nbf,
            NotBefore = nbf,
            Expires = nbf + (lifetime ?? TimeSpan.FromMinutes(5)),
            SigningCredentials = new SigningCredentials(key, algorithm),
            Claims = scope is null ? claims : new Dictionary<string, object>(claims ?? new Dictionary<string, object>()) { ["scope"] = scope },
            AdditionalHeaderClaims = header,
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    /// <summary>
    /// Tokens that are well signed by this issuer but break a rule of RFC 7515/7519 or of McpStack's, and tokens whose
    /// text must not reach a response header: each must get a plain 401, at the api and at the MCP server alike.
    /// </summary>
    public static IReadOnlyList<string> RuleBreakingKinds { get; } =
        ["crit-header", "blank-subject", "padded-subject", "future-iat", "ten-year-lifetime", "crlf-issuer-unknown-key", "non-ascii-issuer-unknown-key"];

    public string CreateRuleBreakingToken(string kind, string audience) => kind switch
    {
        "crit-header" => CreateToken("mallory", audience, header: new Dictionary<string, object> { ["crit"] = new[] { "exp-ext" }, ["exp-ext"] = 1 }),
        "blank-subject" => CreateToken("   ", audience),
        "padded-subject" => CreateToken(" alice", audience),
        "future-iat" => CreateToken("mallory", audience, issuedAt: DateTime.UtcNow.AddHours(2)),
        "ten-year-lifetime" => CreateToken("mallory", audience, lifetime: TimeSpan.FromDays(3650)),
        "crlf-issuer-unknown-key" => CreateToken("mallory", audience, issuer: "https://evil.example\r\nSet-Cookie: pwned=1", key: NewEcKey()),
        "non-ascii-issuer-unknown-key" => CreateToken("mallory", audience, issuer: "https://évil.example/☃", key: NewEcKey()),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>A token signed with EdDSA (Ed25519), as Better Auth signs by default.</summary>
    public string CreateEdDsaToken(string subject, string audience, TimeSpan? lifetime = null)
    {
        var header = Base64UrlEncoder.Encode($$"""{"alg":"EdDSA","typ":"JWT","kid":"{{Ed25519KeyId}}"}""");
        var now = DateTimeOffset.UtcNow;
        var exp = (now + (lifetime ?? TimeSpan.FromMinutes(5))).ToUnixTimeSeconds();
        var payload = Base64UrlEncoder.Encode(
            $$"""{"iss":"{{Issuer}}","aud":"{{audience}}","sub":"{{subject}}","email":"{{subject}}@example.test","name":"{{subject}}","iat":{{now.ToUnixTimeSeconds()}},"exp":{{exp}}}""");
        var signature = SignatureAlgorithm.Ed25519.Sign(Ed25519, System.Text.Encoding.ASCII.GetBytes($"{header}.{payload}"));
        return $"{header}.{payload}.{Base64UrlEncoder.Encode(signature)}";
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

    public async ValueTask DisposeAsync()
    {
        Ed25519.Dispose();
        await _app.DisposeAsync();
    }
}
