using Microsoft.IdentityModel.Tokens;
using NSec.Cryptography;

namespace McpStack.Hosting.Auth;

/// <summary>
/// Lets Microsoft.IdentityModel verify EdDSA (Ed25519) signatures, Better Auth's default, which it does not
/// support itself. Verification is done by NSec (libsodium); every other algorithm goes to the default factory.
/// </summary>
public sealed class EdDsaCryptoProviderFactory : CryptoProviderFactory
{
    public const string Algorithm = "EdDSA";

    public static bool IsEd25519(SecurityKey key) =>
        key is JsonWebKey { Kty: "OKP", Crv: "Ed25519" } jwk && !string.IsNullOrEmpty(jwk.X);

    public override bool IsSupportedAlgorithm(string algorithm, SecurityKey key) =>
        (algorithm == Algorithm && IsEd25519(key)) || base.IsSupportedAlgorithm(algorithm, key);

    public override SignatureProvider CreateForVerifying(SecurityKey key, string algorithm) =>
        algorithm == Algorithm && IsEd25519(key) ? new EdDsaSignatureProvider((JsonWebKey)key) : base.CreateForVerifying(key, algorithm);

    public override void ReleaseSignatureProvider(SignatureProvider signatureProvider)
    {
        if (signatureProvider is EdDsaSignatureProvider) signatureProvider.Dispose();
        else base.ReleaseSignatureProvider(signatureProvider);
    }
}

/// <summary>Verifies Ed25519 signatures with a public key from a JWK (<c>kty: OKP, crv: Ed25519</c>). Verify only.</summary>
public sealed class EdDsaSignatureProvider : SignatureProvider
{
    private readonly PublicKey _publicKey;

    public EdDsaSignatureProvider(JsonWebKey key) : base(key, EdDsaCryptoProviderFactory.Algorithm)
    {
        _publicKey = PublicKey.Import(SignatureAlgorithm.Ed25519, Base64UrlEncoder.DecodeBytes(key.X), KeyBlobFormat.RawPublicKey);
        WillCreateSignatures = false;
    }

    public override byte[] Sign(byte[] input) => throw new NotSupportedException("EdDSA keys here verify only.");

    public override bool Verify(byte[] input, byte[] signature) => SignatureAlgorithm.Ed25519.Verify(_publicKey, input, signature);

    public override bool Verify(byte[] input, int inputOffset, int inputLength, byte[] signature, int signatureOffset, int signatureLength) =>
        SignatureAlgorithm.Ed25519.Verify(_publicKey, input.AsSpan(inputOffset, inputLength), signature.AsSpan(signatureOffset, signatureLength));

    protected override void Dispose(bool disposing)
    {
    }
}
