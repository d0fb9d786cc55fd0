using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace McpStack.Api.Delegation;

/// <summary>The api's signing key for delegated tokens, with a key id derived from the key (RFC 7638 thumbprint).</summary>
public sealed class DelegationSigningKey
{
    public const string RequiredMessage =
        "Delegation:SigningKeyPem is required outside Development: an EC P-256 private key in PEM, the same for every api replica " +
        "(create one with: openssl ecparam -name prime256v1 -genkey -noout | openssl pkcs8 -topk8 -nocrypt).";

    public DelegationSigningKey(IOptions<DelegationOptions> options, IHostEnvironment environment, ILogger<DelegationSigningKey> logger)
    {
        var ecdsa = ECDsa.Create();
        if (!string.IsNullOrWhiteSpace(options.Value.SigningKeyPem))
        {
            ecdsa.ImportFromPem(options.Value.SigningKeyPem);
            if (ecdsa.KeySize != 256) throw new InvalidOperationException("Delegation:SigningKeyPem must be an EC P-256 private key (ES256).");
        }
        else if (environment.IsDevelopment())
        {
            ecdsa.GenerateKey(ECCurve.NamedCurves.nistP256);
            logger.LogWarning("No Delegation:SigningKeyPem set: generated a key for this process. Set one shared by all api replicas outside Development.");
        }
        else
        {
            throw new InvalidOperationException(RequiredMessage);
        }
        var key = new ECDsaSecurityKey(ecdsa);
        key.KeyId = Base64UrlEncoder.Encode(key.ComputeJwkThumbprint());
        Key = key;
        Credentials = new SigningCredentials(key, SecurityAlgorithms.EcdsaSha256);
    }

    public static bool IsP256PrivateKey(string pem)
    {
        using var ecdsa = ECDsa.Create();
        try
        {
            ecdsa.ImportFromPem(pem);
            return ecdsa.KeySize == 256;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    public ECDsaSecurityKey Key { get; }

    public SigningCredentials Credentials { get; }
}
