using System.Text.Json.Serialization;
using Microsoft.IdentityModel.Tokens;

namespace McpStack.Hosting.Auth;

/// <summary>A JSON Web Key Set (RFC 7517) holding public keys only, as an issuer publishes it.</summary>
public sealed record Jwks([property: JsonPropertyName("keys")] IReadOnlyList<PublicJwk> Keys)
{
    public static Jwks From(IEnumerable<SecurityKey> keys) => new([.. keys.Select(PublicJwk.From)]);
}

/// <summary>One public key. Private parameters are never written.</summary>
public sealed record PublicJwk
{
    [JsonPropertyName("kty")] public required string Kty { get; init; }
    [JsonPropertyName("kid")] public required string Kid { get; init; }
    [JsonPropertyName("alg")] public required string Alg { get; init; }
    [JsonPropertyName("use")] public string Use { get; init; } = "sig";
    [JsonPropertyName("crv"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Crv { get; init; }
    [JsonPropertyName("x"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? X { get; init; }
    [JsonPropertyName("y"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Y { get; init; }
    [JsonPropertyName("n"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? N { get; init; }
    [JsonPropertyName("e"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? E { get; init; }

    public static PublicJwk From(SecurityKey key) => key switch
    {
        ECDsaSecurityKey ec => FromEc(ec),
        RsaSecurityKey rsa => FromRsa(rsa),
        _ => throw new NotSupportedException($"Cannot publish a {key.GetType().Name} in a JWKS."),
    };

    private static PublicJwk FromEc(ECDsaSecurityKey key)
    {
        var p = key.ECDsa.ExportParameters(includePrivateParameters: false);
        var (crv, alg) = p.Curve.Oid.FriendlyName switch
        {
            "nistP256" or "ECDSA_P256" => ("P-256", SecurityAlgorithms.EcdsaSha256),
            "nistP384" or "ECDSA_P384" => ("P-384", SecurityAlgorithms.EcdsaSha384),
            "nistP521" or "ECDSA_P521" => ("P-521", SecurityAlgorithms.EcdsaSha512),
            var other => throw new NotSupportedException($"Unsupported curve {other}."),
        };
        return new PublicJwk { Kty = "EC", Kid = KeyIdOf(key), Alg = alg, Crv = crv, X = Base64UrlEncoder.Encode(p.Q.X!), Y = Base64UrlEncoder.Encode(p.Q.Y!) };
    }

    private static PublicJwk FromRsa(RsaSecurityKey key)
    {
        var p = key.Rsa?.ExportParameters(includePrivateParameters: false) ?? key.Parameters;
        return new PublicJwk { Kty = "RSA", Kid = KeyIdOf(key), Alg = SecurityAlgorithms.RsaSha256, N = Base64UrlEncoder.Encode(p.Modulus!), E = Base64UrlEncoder.Encode(p.Exponent!) };
    }

    private static string KeyIdOf(SecurityKey key) => key.KeyId ?? throw new ArgumentException("A published key needs a key id (kid).");
}
