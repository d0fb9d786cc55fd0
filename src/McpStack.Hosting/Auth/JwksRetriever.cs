using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace McpStack.Hosting.Auth;

/// <summary>
/// Reads a bare JWKS document (such as Better Auth's <c>/api/auth/jwks</c>) as an OpenID configuration whose
/// only content is its signing keys, so that Microsoft.IdentityModel's <see cref="ConfigurationManager{T}"/>
/// does the caching, periodic refresh and refresh-on-unknown-kid for issuers without a discovery document.
/// </summary>
public sealed class JwksRetriever : IConfigurationRetriever<OpenIdConnectConfiguration>
{
    public async Task<OpenIdConnectConfiguration> GetConfigurationAsync(string address, IDocumentRetriever retriever, CancellationToken cancel)
    {
        var json = await retriever.GetDocumentAsync(address, cancel).ConfigureAwait(false);
        var keySet = new JsonWebKeySet(json);
        var configuration = new OpenIdConnectConfiguration { JwksUri = address, JsonWebKeySet = keySet };
        foreach (var key in keySet.GetSigningKeys())
        {
            configuration.SigningKeys.Add(key);
        }
        // Microsoft.IdentityModel skips OKP keys; EdDsaCryptoProviderFactory verifies with them.
        foreach (var key in keySet.Keys.Where(EdDsaCryptoProviderFactory.IsEd25519))
        {
            configuration.SigningKeys.Add(key);
        }
        return configuration;
    }
}
