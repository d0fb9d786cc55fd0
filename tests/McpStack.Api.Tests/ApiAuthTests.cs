using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using McpStack.Api.Delegation;
using McpStack.Api.Profile;
using McpStack.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace McpStack.Api.Tests;

/// <summary>Which tokens the api accepts: the web tier's, signed with ES256, RS256 or EdDSA, for this audience, unexpired.</summary>
public abstract class ApiAuthTests<TStack>(TStack stack) where TStack : StackFixture
{
    private async Task<HttpStatusCode> MeStatusAsync(string? token)
    {
        using var client = stack.Api.CreateClient(token);
        using var response = await client.GetAsync("/api/me");
        return response.StatusCode;
    }

    [Fact]
    public async Task Me_answers_from_the_token_claims()
    {
        using var client = stack.ClientFor("frank");
        var me = await client.GetFromJsonAsync<MeResponse>("/api/me");
        Assert.Equal(new MeResponse("frank", "frank@example.test", null), me);
    }

    [Fact]
    public async Task ES256_RS256_and_EdDSA_tokens_are_accepted()
    {
        var issuer = stack.Issuer;
        Assert.Equal(HttpStatusCode.OK, await MeStatusAsync(issuer.CreateToken("gina", stack.Api.Audience, key: issuer.Es256)));
        Assert.Equal(HttpStatusCode.OK, await MeStatusAsync(issuer.CreateToken("gina", stack.Api.Audience, key: issuer.Rs256)));
        Assert.Equal(HttpStatusCode.OK, await MeStatusAsync(issuer.CreateEdDsaToken("gina", stack.Api.Audience)));
    }

    [Fact]
    public async Task A_forged_EdDSA_signature_is_refused()
    {
        var token = stack.Issuer.CreateEdDsaToken("gina", stack.Api.Audience);
        Assert.Equal(HttpStatusCode.Unauthorized, await MeStatusAsync(TestIssuer.Tamper(token, "sub", "alice")));
    }

    public static TheoryData<string> BadTokens => new()
    {
        "none", "expired", "not-yet-valid", "wrong-issuer", "wrong-audience", "tampered", "alg-none", "unknown-key", "minted-for-mcp", "garbage",
    };

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task Missing_forged_or_misused_tokens_get_401(string kind)
    {
        var issuer = stack.Issuer;
        var audience = stack.Api.Audience;
        var token = kind switch
        {
            "none" => null,
            "expired" => issuer.CreateToken("mallory", audience, notBefore: DateTime.UtcNow.AddMinutes(-20)),
            "not-yet-valid" => issuer.CreateToken("mallory", audience, notBefore: DateTime.UtcNow.AddMinutes(10)),
            "wrong-issuer" => issuer.CreateToken("mallory", audience, issuer: "https://evil.example"),
            "wrong-audience" => issuer.CreateToken("mallory", "https://other-api.example"),
            "tampered" => TestIssuer.Tamper(issuer.CreateToken("mallory", audience), "sub", "alice"),
            "alg-none" => issuer.CreateUnsignedToken("alice", audience),
            "unknown-key" => issuer.CreateToken("mallory", audience, key: TestIssuer.NewEcKey()),
            "minted-for-mcp" => stack.Api.Services.GetRequiredService<DelegatedTokenMinter>().Mint("alice"),
            "garbage" => "abc.def",
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
        Assert.Equal(HttpStatusCode.Unauthorized, await MeStatusAsync(token));
    }

    public static TheoryData<string> RuleBreakingTokens => [.. TestIssuer.RuleBreakingKinds];

    [Theory]
    [MemberData(nameof(RuleBreakingTokens))]
    public async Task Well_signed_tokens_that_break_a_rule_get_a_plain_401(string kind)
    {
        using var client = stack.Api.CreateClient(stack.Issuer.CreateRuleBreakingToken(kind, stack.Api.Audience));
        using var response = await client.GetAsync("/api/me");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var challenge = response.Headers.WwwAuthenticate.ToString();
        Assert.DoesNotContain("evil", challenge, StringComparison.Ordinal);
        Assert.DoesNotContain("error_description", challenge, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_new_signing_key_is_accepted_without_a_restart()
    {
        var key = stack.Issuer.RotateEs256();
        var token = stack.Issuer.CreateToken("hank", stack.Api.Audience, key: key);
        var status = await Eventually.WaitForAsync(() => MeStatusAsync(token), HttpStatusCode.OK, TimeSpan.FromSeconds(15));
        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task Health_probes_report_the_database_and_the_mcp_server()
    {
        using var client = stack.Api.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);
        var ready = await client.GetFromJsonAsync<JsonElement>("/health/ready");
        Assert.Equal("Healthy", ready.GetProperty("status").GetString());
        Assert.Equal("Healthy", ready.GetProperty("checks").GetProperty("mcp").GetProperty("status").GetString());
        Assert.Equal("Healthy", ready.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Publishes_its_delegation_key_as_a_JWKS_of_public_keys()
    {
        using var client = stack.Api.CreateClient();
        var jwks = await client.GetFromJsonAsync<JsonElement>("/.well-known/jwks.json");
        var key = Assert.Single(jwks.GetProperty("keys").EnumerateArray().ToList());
        Assert.Equal("EC", key.GetProperty("kty").GetString());
        Assert.Equal("ES256", key.GetProperty("alg").GetString());
        Assert.False(key.TryGetProperty("d", out _));
    }
}

public sealed class ProductionApiAuthTests(SqliteStack stack) : ApiAuthTests<SqliteStack>(stack), IClassFixture<SqliteStack>;

/// <summary>The same token matrix against the api as ./run.sh starts it.</summary>
public sealed class DevelopmentApiAuthTests(DevelopmentStack stack) : ApiAuthTests<DevelopmentStack>(stack), IClassFixture<DevelopmentStack>;

public sealed class RateLimitTests(RateLimitedStack stack) : IClassFixture<RateLimitedStack>
{
    [Fact]
    public async Task Writes_beyond_the_per_user_limit_get_429_with_Retry_After_while_others_go_on()
    {
        using var ivan = stack.ClientFor(Http.NewUser("ivan"));
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Created, (await ivan.PostAsJsonAsync("/api/tasks", new { title = $"t{i}" })).StatusCode);
        }
        using var refused = await ivan.PostAsJsonAsync("/api/tasks", new { title = "one too many" });
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);

        // Reads are not limited, and another user has a budget of their own.
        Assert.Equal(HttpStatusCode.OK, (await ivan.GetAsync("/api/tasks")).StatusCode);
        using var judy = stack.ClientFor(Http.NewUser("judy"));
        Assert.Equal(HttpStatusCode.Created, (await judy.PostAsync("/api/tasks", new StringContent("""{"title":"mine"}""", Encoding.UTF8, "application/json"))).StatusCode);
    }

    [Fact]
    public async Task Slash_commands_spend_the_same_write_budget()
    {
        using var kim = stack.ClientFor(Http.NewUser("kim"));
        for (var i = 0; i < 3; i++) (await kim.PostAsJsonAsync("/api/tasks", new { title = $"t{i}" })).EnsureSuccessStatusCode();
        var turn = await kim.ChatAsync("/add one over the budget");
        Assert.Contains("write limit (3 a minute)", turn.Text, StringComparison.Ordinal);
        Assert.Equal(3, (await kim.GetFromJsonAsync<McpStack.Api.Tasks.TaskListResponse>("/api/tasks"))!.Total);
        Assert.Contains("1. [ ] t0", (await kim.ChatAsync("/list")).Text, StringComparison.Ordinal); // reads spend nothing
    }
}
