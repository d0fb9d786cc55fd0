using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection;

namespace McpStack.Hosting.Auth;

/// <summary>
/// Asks an issuer whether a token it signed still stands (<see cref="TrustedIssuer.TokenStatusUrl"/>). Fails closed: an
/// answer that cannot be had refuses the request with 503 (<see cref="AuthorizationServerUnavailableException"/>),
/// never lets the token through.
/// </summary>
internal static class TokenStatus
{
    public const string HttpClientName = "token-status";

    /// <summary>Long enough for a loaded issuer, short enough that a client is not left waiting on a dead one.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public static async Task<bool> IsActiveAsync(IServiceProvider services, string statusUrl, string token, CancellationToken cancellationToken)
    {
        var http = services.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName);
        try
        {
            using var response = await http.PostAsync(statusUrl, new FormUrlEncodedContent([new("token", token), new("token_type_hint", "access_token")]), cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new AuthorizationServerUnavailableException($"The token status endpoint answered {(int)response.StatusCode}.");
            }
            var answer = await response.Content.ReadFromJsonAsync<Answer>(cancellationToken);
            return answer?.Active == true;
        }
        // A timeout is a TaskCanceledException too; the caller's own cancellation (the client went away) is not an outage.
        catch (Exception e) when (e is HttpRequestException or System.Text.Json.JsonException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new AuthorizationServerUnavailableException($"The token status endpoint could not be asked: {e.Message}", e);
        }
    }

    private sealed record Answer([property: JsonPropertyName("active")] bool Active);
}

/// <summary>The issuer that must confirm a token could not be asked: the request is refused with 503, and may be retried.</summary>
public sealed class AuthorizationServerUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
