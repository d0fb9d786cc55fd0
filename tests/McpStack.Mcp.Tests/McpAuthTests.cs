using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using McpStack.Testing;
using Microsoft.IdentityModel.Tokens;

namespace McpStack.Mcp.Tests;

/// <summary>Who may call /mcp: only bearers of a valid token minted for this server by a trusted issuer.</summary>
public abstract class McpAuthTests<TServer>(TServer fixture) where TServer : McpServerFixture
{
    private const string ToolsList = """{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}}""";

    private async Task<HttpResponseMessage> PostAsync(string? token, string body = ToolsList, string? origin = null)
    {
        using var client = fixture.Server.CreateClient(token);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/mcp") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");
        request.Headers.Add("MCP-Protocol-Version", "2025-06-18");
        if (origin is not null) request.Headers.Add("Origin", origin);
        return await client.SendAsync(request);
    }

    [Fact]
    public async Task Without_a_token_the_answer_is_401_pointing_at_the_resource_metadata()
    {
        using var response = await PostAsync(token: null);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var challenge = Assert.Single(response.Headers.WwwAuthenticate);
        Assert.Equal("Bearer", challenge.Scheme);
        var metadataUrl = $"{fixture.Server.BaseUrl}/.well-known/oauth-protected-resource/mcp";
        Assert.Contains($"resource_metadata=\"{metadataUrl}\"", challenge.Parameter, StringComparison.Ordinal);

        using var client = fixture.Server.CreateClient();
        var metadata = await client.GetFromJsonAsync<JsonElement>(metadataUrl);
        Assert.Equal(fixture.Server.ResourceUrl, metadata.GetProperty("resource").GetString());
        // The trusted issuer signs nobody in here (it is not marked as an authorization server), so none is named.
        Assert.Equal(0, metadata.GetProperty("authorization_servers").GetArrayLength());
    }

    [Fact]
    public async Task A_valid_es256_or_rs256_token_is_accepted()
    {
        foreach (var key in new[] { fixture.Issuer.Es256, fixture.Issuer.Rs256 })
        {
            using var response = await PostAsync(fixture.Issuer.CreateToken("carol", fixture.Server.ResourceUrl, key: key));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("add_task", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    public static TheoryData<string> BadTokens => new()
    {
        "expired", "not-yet-valid", "wrong-issuer", "wrong-audience", "tampered", "alg-none", "unknown-key",
        "hs256-with-public-key", "no-subject", "garbage", "malformed-base64",
    };

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task Forged_or_misused_tokens_get_401(string kind)
    {
        var issuer = fixture.Issuer;
        var audience = fixture.Server.ResourceUrl;
        var token = kind switch
        {
            "expired" => issuer.CreateToken("mallory", audience, lifetime: TimeSpan.FromMinutes(5), notBefore: DateTime.UtcNow.AddMinutes(-10)),
            "not-yet-valid" => issuer.CreateToken("mallory", audience, notBefore: DateTime.UtcNow.AddMinutes(10)),
            "wrong-issuer" => issuer.CreateToken("mallory", audience, issuer: "https://evil.example"),
            "wrong-audience" => issuer.CreateToken("mallory", "http://localhost:8000"),
            "tampered" => TestIssuer.Tamper(issuer.CreateToken("mallory", audience), "sub", "alice"),
            "alg-none" => issuer.CreateUnsignedToken("alice", audience),
            "unknown-key" => issuer.CreateToken("mallory", audience, key: TestIssuer.NewEcKey()),
            "hs256-with-public-key" => issuer.CreateToken("mallory", audience,
                key: new SymmetricSecurityKey(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(McpStack.Hosting.Auth.PublicJwk.From(issuer.Rs256)))) { KeyId = issuer.Rs256.KeyId },
                algorithm: SecurityAlgorithms.HmacSha256),
            "no-subject" => issuer.CreateToken("", audience),
            "garbage" => "not.a.jwt",
            "malformed-base64" => "eyJ!!!.eyJ***.sig",
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
        using var response = await PostAsync(token);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    public static TheoryData<string> RuleBreakingTokens => [.. TestIssuer.RuleBreakingKinds];

    [Theory]
    [MemberData(nameof(RuleBreakingTokens))]
    public async Task Well_signed_tokens_that_break_a_rule_get_a_plain_401(string kind)
    {
        using var response = await PostAsync(fixture.Issuer.CreateRuleBreakingToken(kind, fixture.Server.ResourceUrl));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var challenge = response.Headers.WwwAuthenticate.ToString();
        Assert.Contains("resource_metadata", challenge, StringComparison.Ordinal);
        Assert.DoesNotContain("evil", challenge, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rotated_signing_key_is_picked_up_without_a_restart()
    {
        var newKey = fixture.Issuer.RotateEs256();
        var token = fixture.Issuer.CreateToken("dave", fixture.Server.ResourceUrl, key: newKey);
        // The first sight of an unknown kid asks for a JWKS refresh (rate limited to 1 s in tests); it succeeds shortly after.
        var status = await Eventually.WaitForAsync(async () =>
        {
            using var response = await PostAsync(token);
            return response.StatusCode;
        }, HttpStatusCode.OK, TimeSpan.FromSeconds(15));
        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task Requests_from_a_foreign_browser_origin_are_refused()
    {
        var token = fixture.TokenFor("erin");
        using var evil = await PostAsync(token, origin: "http://evil.example");
        Assert.Equal(HttpStatusCode.Forbidden, evil.StatusCode);
        Assert.Contains("not allowed", await evil.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var own = await PostAsync(token, origin: fixture.Server.BaseUrl);
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
    }

    [Fact]
    public async Task Health_probes_need_no_token()
    {
        using var client = fixture.Server.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);
        var ready = await client.GetFromJsonAsync<JsonElement>("/health/ready");
        Assert.Equal("Healthy", ready.GetProperty("status").GetString());
        Assert.Equal("Healthy", ready.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
    }
}

public sealed class ProductionMcpAuthTests(SqliteMcpServer fixture) : McpAuthTests<SqliteMcpServer>(fixture), IClassFixture<SqliteMcpServer>;

/// <summary>The same token matrix against the server as ./run.sh starts it.</summary>
public sealed class DevelopmentMcpAuthTests(DevelopmentMcpServer fixture) : McpAuthTests<DevelopmentMcpServer>(fixture), IClassFixture<DevelopmentMcpServer>;
