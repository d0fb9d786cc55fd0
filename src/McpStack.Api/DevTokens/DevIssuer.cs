using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using McpStack.Hosting.Auth;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace McpStack.Api.DevTokens;

/// <summary>
/// A development issuer kept in a folder: an EC P-256 private key (readable by its owner only) and the public JWKS the
/// api and the MCP server trust through <c>Auth:Issuers:N:JwksFile</c>. It stands in for a team's identity provider when
/// the solution has no web tier (what <c>./run.sh</c> sets up then); nothing trusts it unless configured to.
/// </summary>
public sealed class DevIssuer
{
    /// <summary>The <c>iss</c> of its tokens.</summary>
    public const string IssuerName = "urn:mcpstack:dev-issuer";

    private const string KeyFileName = "signing-key.pem";
    public const string JwksFileName = "jwks.json";

    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    private readonly ECDsaSecurityKey _key;

    private DevIssuer(ECDsaSecurityKey key) => _key = key;

    /// <summary>The issuer kept in <paramref name="folder"/>, made there the first time (key and JWKS).</summary>
    public static DevIssuer OpenOrCreate(string folder)
    {
        Directory.CreateDirectory(folder);
        var keyFile = Path.Combine(folder, KeyFileName);
        var ecdsa = ECDsa.Create();
        if (File.Exists(keyFile))
        {
            ecdsa.ImportFromPem(File.ReadAllText(keyFile));
        }
        else
        {
            ecdsa.GenerateKey(ECCurve.NamedCurves.nistP256);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using var writer = new StreamWriter(keyFile, options);
            writer.Write(ecdsa.ExportPkcs8PrivateKeyPem());
        }
        var key = new ECDsaSecurityKey(ecdsa);
        key.KeyId = Base64UrlEncoder.Encode(key.ComputeJwkThumbprint());
        File.WriteAllText(Path.Combine(folder, JwksFileName), JsonSerializer.Serialize(Jwks.From([key])));
        return new DevIssuer(key);
    }

    /// <summary>A token for <paramref name="subject"/> at <paramref name="audience"/>, with the given scopes.</summary>
    public string Mint(string subject, string audience, string? scopes, TimeSpan lifetime, DateTime now)
    {
        var claims = new Dictionary<string, object>();
        if (!string.IsNullOrWhiteSpace(scopes)) claims["scope"] = scopes;
        return Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = IssuerName,
            Audience = audience,
            Subject = new ClaimsIdentity([new Claim(JwtRegisteredClaimNames.Sub, subject), new Claim("name", subject)]),
            Claims = claims,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + lifetime,
            SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.EcdsaSha256),
        });
    }

    /// <summary>
    /// <c>dev-token &lt;user&gt; [--audience URL] [--scope "a b"] [--lifetime 01:00:00] [--folder data/dev-issuer]</c>:
    /// prints a token, or with <c>--init</c> only makes the folder. Returns the exit code.
    /// </summary>
    public static int RunCommand(string[] args, TextWriter output, TextWriter error, TimeProvider timeProvider)
    {
        string? user = null;
        string audience = "http://localhost:8000", folder = Path.Combine("data", "dev-issuer");
        string? scopes = null;
        var lifetime = TimeSpan.FromHours(1);
        var init = false;
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--audience": audience = Value(); break;
                case "--scope": scopes = Value(); break;
                case "--folder": folder = Value(); break;
                case "--init": init = true; break;
                case "--lifetime":
                    var text = Value();
                    if (!TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out lifetime) || lifetime <= TimeSpan.Zero || lifetime > TimeSpan.FromDays(1))
                    {
                        error.WriteLine($"dev-token: --lifetime must be a time span between 00:00:01 and 1.00:00:00, not '{text}'.");
                        return 2;
                    }
                    break;
                case var arg when arg.StartsWith("--", StringComparison.Ordinal):
                    error.WriteLine($"dev-token: unknown option {arg}. Usage: dev-token <user> [--audience URL] [--scope \"tasks:read tasks:write\"] [--lifetime 01:00:00] [--folder data/dev-issuer] | dev-token --init");
                    return 2;
                case var arg when user is null: user = arg; break;
                case var arg:
                    error.WriteLine($"dev-token: one user at a time ('{user}' and '{arg}' given).");
                    return 2;
            }
        }
        var issuer = OpenOrCreate(folder);
        if (init) return 0;
        if (string.IsNullOrWhiteSpace(user) || user.Length > 200 || user.Contains('|', StringComparison.Ordinal) || user.Any(char.IsControl))
        {
            error.WriteLine("dev-token: give the user the token is for: a name of 1 to 200 characters without '|' (e.g. dev-token alice).");
            return 2;
        }
        output.WriteLine(issuer.Mint(user, audience, scopes, lifetime, timeProvider.GetUtcNow().UtcDateTime));
        return 0;
    }
}
