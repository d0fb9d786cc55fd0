using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace McpStack.Api.Delegation;

/// <summary>
/// Whether the JWKS the MCP server reads holds the key this replica signs with. Replicas with different
/// <c>Delegation:SigningKeyPem</c>s behind one address publish different keys, and the MCP server refuses the tokens of
/// whichever it did not read: each replica's tool calls fail now and then, with nothing but a 401 to show for it. Read
/// a few times on fresh connections (a load balancer spreads them), at most every 30 seconds.
/// </summary>
public sealed partial class DelegationKeyHealthCheck(
    IHttpClientFactory httpClientFactory, DelegationSigningKey key, IOptions<DelegationOptions> options, TimeProvider timeProvider, ILogger<DelegationKeyHealthCheck> logger) : IHealthCheck
{
    public const string HttpClientName = "delegation-jwks";
    private const int Reads = 3;
    private static readonly TimeSpan Remembered = TimeSpan.FromSeconds(30);

    private sealed record Finding(DateTimeOffset At, string? Problem);

    private volatile Finding? _last;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var now = timeProvider.GetUtcNow();
        var last = _last;
        if (last is null || now - last.At > Remembered)
        {
            var problem = await FindProblemAsync(cancellationToken);
            if (problem is not null && last?.Problem is null) LogMismatch(logger, problem);
            _last = last = new Finding(now, problem);
        }
        return last.Problem is null ? HealthCheckResult.Healthy() : new HealthCheckResult(context.Registration.FailureStatus, last.Problem);
    }

    private async Task<string?> FindProblemAsync(CancellationToken cancellationToken)
    {
        var url = options.Value.PublishedJwksUrl;
        var client = httpClientFactory.CreateClient(HttpClientName);
        for (var i = 0; i < Reads; i++)
        {
            string json;
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, url);
                request.Headers.ConnectionClose = true;
                using var response = await client.SendAsync(request, cancellationToken);
                if (!response.IsSuccessStatusCode) return null; // not there yet (this replica starting): nothing to compare
                json = await response.Content.ReadAsStringAsync(cancellationToken);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                return null;
            }
            var published = new JsonWebKeySet(json).Keys.Select(k => k.Kid).ToList();
            if (!published.Contains(key.Key.KeyId))
            {
                return $"This api replica signs the MCP server's tokens with key {key.Key.KeyId}, but the JWKS at {url}, which the MCP server reads, " +
                       $"holds {string.Join(", ", published)}: its tool calls will be refused. Every api replica needs the same Delegation:SigningKeyPem.";
            }
        }
        return null;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Problem}")]
    private static partial void LogMismatch(ILogger logger, string problem);
}
