using System.Security.Claims;
using McpStack.Hosting.Auth;
using McpStack.Testing;
using Microsoft.IdentityModel.Tokens;

namespace McpStack.Api.Tests;

/// <summary>The validated-token memory of the JWT bearer handlers: it must never make a refused or expired token valid.</summary>
public sealed class CachingJsonWebTokenHandlerTests : IAsyncLifetime
{
    private const string Audience = "http://api.test";
    private TestIssuer _issuer = null!;
    private TokenValidationParameters _parameters = null!;
    private readonly CachingJsonWebTokenHandler _handler = new(TimeProvider.System, TimeSpan.FromMinutes(5)) { MapInboundClaims = false };

    public async Task InitializeAsync()
    {
        _issuer = await TestIssuer.StartAsync();
        _parameters = new TokenValidationParameters
        {
            ValidIssuer = _issuer.Issuer,
            ValidAudience = Audience,
            IssuerSigningKeys = [_issuer.Es256],
            ClockSkew = TimeSpan.Zero,
        };
    }

    public async Task DisposeAsync()
    {
        _handler.Dispose();
        await _issuer.DisposeAsync();
    }

    [Fact]
    public async Task A_remembered_token_is_refused_once_it_expires()
    {
        var token = _issuer.CreateToken("alice", Audience, lifetime: TimeSpan.FromSeconds(7)); // 2 s left
        Assert.True((await _handler.ValidateTokenAsync(token, _parameters)).IsValid);
        Assert.True((await _handler.ValidateTokenAsync(token, _parameters)).IsValid);

        await Task.Delay(TimeSpan.FromSeconds(2.5));
        var expired = await _handler.ValidateTokenAsync(token, _parameters);
        Assert.False(expired.IsValid);
        Assert.IsType<SecurityTokenExpiredException>(expired.Exception);
    }

    [Fact]
    public async Task Refused_tokens_are_not_remembered()
    {
        var token = _issuer.CreateToken("alice", Audience);
        var tampered = TestIssuer.Tamper(token, "sub", "mallory");
        for (var i = 0; i < 2; i++)
        {
            Assert.False((await _handler.ValidateTokenAsync(tampered, _parameters)).IsValid);
            Assert.False((await _handler.ValidateTokenAsync(_issuer.CreateToken("alice", "http://other.test"), _parameters)).IsValid);
        }
        // The genuine token next to its tampered copy is still checked on its own merits.
        var valid = await _handler.ValidateTokenAsync(token, _parameters);
        Assert.Equal("alice", valid.ClaimsIdentity.FindFirst("sub")?.Value);
    }

    [Fact]
    public async Task Each_validation_gets_an_identity_of_its_own()
    {
        var token = _issuer.CreateToken("alice", Audience);
        var first = await _handler.ValidateTokenAsync(token, _parameters);
        first.ClaimsIdentity.AddClaim(new Claim("role", "admin"));

        var second = await _handler.ValidateTokenAsync(token, _parameters);
        Assert.True(second.IsValid);
        Assert.NotSame(first.ClaimsIdentity, second.ClaimsIdentity);
        Assert.Null(second.ClaimsIdentity.FindFirst("role"));
        Assert.Equal("alice", second.ClaimsIdentity.FindFirst("sub")?.Value);
    }

    [Fact]
    public async Task A_remembered_token_is_checked_again_against_the_current_keys_once_its_cache_lifetime_passes()
    {
        using var handler = new CachingJsonWebTokenHandler(TimeProvider.System, TimeSpan.FromSeconds(1)) { MapInboundClaims = false };
        var token = _issuer.CreateToken("alice", Audience);
        Assert.True((await handler.ValidateTokenAsync(token, _parameters)).IsValid);

        // The key is withdrawn: the remembered validation stands for at most its cache lifetime.
        var withdrawn = _parameters.Clone();
        withdrawn.IssuerSigningKeys = [_issuer.Rs256];
        Assert.True((await handler.ValidateTokenAsync(token, withdrawn)).IsValid);
        await Task.Delay(TimeSpan.FromSeconds(1.3));
        Assert.False((await handler.ValidateTokenAsync(token, withdrawn)).IsValid);
    }
}
