using System.Security.Claims;
using McpStack.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace McpStack.Hosting.Auth;

public static class JwtAuthenticationExtensions
{
    /// <summary>The scheme every endpoint authenticates with; it forwards to the scheme of the token's issuer.</summary>
    public const string Scheme = JwtBearerDefaults.AuthenticationScheme;

    /// <summary>
    /// Validates bearer tokens from the configured issuers: signature against the issuer's JWKS, issuer,
    /// audience, expiry and pinned algorithms. Registers the <see cref="ICurrentUser"/> read from the token's <c>sub</c>.
    /// </summary>
    public static AuthenticationBuilder AddMcpStackJwtBearer(
        this IServiceCollection services,
        IConfiguration configuration,
        string? challengeScheme = null,
        Action<JwtAuthOptions>? configure = null,
        Action<TokenValidationParameters>? configureValidation = null)
    {
        var section = configuration.GetSection(JwtAuthOptions.SectionName);
        services.AddOptions<JwtAuthOptions>().Bind(section).Configure(o => configure?.Invoke(o)).ValidateDataAnnotations().ValidateOnStart();
        var options = section.Get<JwtAuthOptions>() ?? new JwtAuthOptions();
        configure?.Invoke(options);

        services.AddHttpContextAccessor();
        services.AddScoped<ICurrentUser, HttpContextCurrentUser>();

        var schemes = options.Issuers.Select((_, i) => $"{Scheme}:{i}").ToArray();
        var builder = services.AddAuthentication(o =>
        {
            o.DefaultScheme = Scheme;
            o.DefaultChallengeScheme = challengeScheme ?? Scheme;
        });
        builder.AddPolicyScheme(Scheme, "Bearer token", o => o.ForwardDefaultSelector = context =>
            schemes.Length <= 1 ? schemes.FirstOrDefault() : SchemeForIssuer(context, options.Issuers, schemes));

        for (var i = 0; i < options.Issuers.Count; i++)
        {
            var issuer = options.Issuers[i];
            builder.AddJwtBearer(schemes[i], jwt =>
            {
                jwt.MapInboundClaims = false;
                jwt.RequireHttpsMetadata = options.RequireHttpsMetadata;
                jwt.RefreshOnIssuerKeyNotFound = true;
                jwt.AutomaticRefreshInterval = options.JwksRefreshInterval;
                jwt.RefreshInterval = options.JwksMinimumRefreshInterval;
                if (issuer.JwksUrl is { Length: > 0 } jwksUrl)
                {
                    jwt.ConfigurationManager = new ConfigurationManager<OpenIdConnectConfiguration>(
                        jwksUrl, new JwksRetriever(), new HttpDocumentRetriever { RequireHttps = options.RequireHttpsMetadata })
                    {
                        AutomaticRefreshInterval = options.JwksRefreshInterval,
                        RefreshInterval = options.JwksMinimumRefreshInterval,
                    };
                }
                else
                {
                    jwt.Authority = issuer.Issuer;
                }
                jwt.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = issuer.Issuer,
                    ValidAudience = options.Audience,
                    ValidAlgorithms = options.Algorithms,
                    ValidateIssuer = true,
                    ValidateAudience = true,
                    ValidateLifetime = true,
                    ValidateIssuerSigningKey = true,
                    RequireExpirationTime = true,
                    RequireSignedTokens = true,
                    ClockSkew = options.ClockSkew,
                    NameClaimType = "name",
                    CryptoProviderFactory = new EdDsaCryptoProviderFactory(),
                };
                configureValidation?.Invoke(jwt.TokenValidationParameters);
                jwt.Events = new JwtBearerEvents
                {
                    // Identity is the subject: a valid signature on a token without one is still no user.
                    OnTokenValidated = context =>
                    {
                        if (string.IsNullOrEmpty(context.Principal?.FindFirstValue(JwtRegisteredClaimNames.Sub)))
                        {
                            context.Fail("The token has no 'sub' claim.");
                        }
                        return Task.CompletedTask;
                    },
                };
            });
            // The signature check costs more than the rest of a request's pipeline; a token is checked once (see the class).
            services.AddOptions<JwtBearerOptions>(schemes[i]).Configure<TimeProvider>((jwt, timeProvider) =>
            {
                jwt.TokenHandlers.Clear();
                jwt.TokenHandlers.Add(new CachingJsonWebTokenHandler(timeProvider) { MapInboundClaims = false });
            });
        }
        services.TryAddSingleton(TimeProvider.System);
        return builder;
    }

    private static string SchemeForIssuer(HttpContext context, List<TrustedIssuer> issuers, string[] schemes)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var handler = new JsonWebTokenHandler();
            var token = header["Bearer ".Length..].Trim();
            if (handler.CanReadToken(token))
            {
                try
                {
                    var iss = handler.ReadJsonWebToken(token).Issuer;
                    var index = issuers.FindIndex(i => i.Issuer == iss);
                    if (index >= 0) return schemes[index];
                }
                catch (ArgumentException)
                {
                    // Malformed: the first scheme refuses it with the usual 401.
                }
            }
        }
        return schemes[0];
    }
}

/// <summary>The current user is the authenticated token's <c>sub</c> claim; nothing else can name a user.</summary>
internal sealed class HttpContextCurrentUser(IHttpContextAccessor accessor) : ICurrentUser
{
    public string? UserId
    {
        get
        {
            var user = accessor.HttpContext?.User;
            return user?.Identity?.IsAuthenticated == true ? user.FindFirstValue(JwtRegisteredClaimNames.Sub) : null;
        }
    }
}
