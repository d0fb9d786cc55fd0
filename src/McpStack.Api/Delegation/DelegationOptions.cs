using System.ComponentModel.DataAnnotations;

namespace McpStack.Api.Delegation;

/// <summary>
/// How the api calls the MCP server for a user: with a short-lived token it mints itself (ES256), whose
/// audience is the MCP server and whose subject is the user. Bound from the <c>Delegation</c> section.
/// </summary>
public sealed class DelegationOptions
{
    public const string SectionName = "Delegation";

    /// <summary>The MCP endpoint (<c>MCP_SERVER_URL</c>): where tools are called, and the audience of minted tokens.</summary>
    [Required, Url]
    public string McpServerUrl { get; set; } = "http://localhost:8001/mcp";

    /// <summary>The <c>iss</c> of minted tokens: this api's public URL. The MCP server trusts it and fetches its JWKS.</summary>
    [Required, Url]
    public string Issuer { get; set; } = "http://localhost:8000";

    /// <summary>How long a minted token lives; a tool call needs seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:30", "00:15:00")]
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The EC P-256 private key (PEM) minted tokens are signed with. Every api replica needs the same one.
    /// Required outside Development; in Development a key is generated at start when none is set.
    /// </summary>
    public string? SigningKeyPem { get; set; }

    /// <summary>
    /// Where the MCP server reads this api's keys (its <c>Auth:Issuers</c> entry for the api), unset: the issuer's
    /// <c>/.well-known/jwks.json</c>. Readiness reads it too, to tell a replica whose key is not there (a different
    /// <see cref="SigningKeyPem"/>) before its tool calls fail; behind a load balancer, any replica may answer.
    /// </summary>
    [Url]
    public string? JwksUrl { get; set; }

    public string PublishedJwksUrl => JwksUrl is { Length: > 0 } url ? url : Issuer.TrimEnd('/') + "/.well-known/jwks.json";

    /// <summary>How long one tool call may take before it is abandoned.</summary>
    public TimeSpan ToolCallTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
