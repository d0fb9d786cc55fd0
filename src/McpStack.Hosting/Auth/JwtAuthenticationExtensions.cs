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

    /// <summary>The claim holding the user's McpStack id, derived from the token's issuer and subject.</summary>
    public const string UserKeyClaim = "mcpstack_user";

    /// <summary>
    /// Validates bearer tokens from the configured issuers: signature against the issuer's JWKS, issuer, audience,
    /// expiry, lifetime and pinned algorithms (<see cref="TokenRules"/>). Registers the <see cref="ICurrentUser"/>: the
    /// token's issuer and subject as one id.
    /// </summary>
    public static AuthenticationBuilder AddTrustedJwtBearer(
        this IServiceCollection services,
        IConfiguration configuration,
        string? challengeScheme = null,
        Action<JwtAuthOptions>? configure = null,
        Action<TokenValidationParameters>? configureValidation = null)
    {
        var section = configuration.GetSection(JwtAuthOptions.SectionName);
        services.AddOptions<JwtAuthOptions>().Bind(section).Configure(o => configure?.Invoke(o)).ValidateDataAnnotations()
            // ValidateDataAnnotations does not reach into the list: each issuer's own rules are checked here.
            .Validate(o => o.Issuers.All(i => System.ComponentModel.DataAnnotations.Validator.TryValidateObject(i, new(i), null, validateAllProperties: true)
                                              && !(i.UserNamespace ?? i.Issuer).Contains('|', StringComparison.Ordinal)),
                "Each Auth:Issuers entry needs an Issuer, a MaxTokenLifetime between 30 s and 1 day, and a UserNamespace (by default the issuer) without '|'.")
            .ValidateOnStart();
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
        SkipKeyRingLoadAtStart(services);
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
                // Microsoft.IdentityModel falls back to the last keys that worked, for an hour, when a token fails with
                // the current ones: a key withdrawn from the JWKS would keep verifying new tokens. Withdrawn means gone.
                var (address, retriever, documents) = KeysOf(issuer, options.RequireHttpsMetadata);
                jwt.ConfigurationManager = new ConfigurationManager<OpenIdConnectConfiguration>(address, retriever, documents)
                {
                    AutomaticRefreshInterval = options.JwksRefreshInterval,
                    RefreshInterval = options.JwksMinimumRefreshInterval,
                    UseLastKnownGoodConfiguration = false,
                };
                // Token contents (an issuer with CR/LF in it) must never reach a response header.
                jwt.IncludeErrorDetails = false;
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
                    OnTokenValidated = async context =>
                    {
                        var timeProvider = context.HttpContext.RequestServices.GetRequiredService<TimeProvider>();
                        if (TokenRules.Refusal(context.SecurityToken as JsonWebToken, issuer, options.ClockSkew, timeProvider.GetUtcNow().UtcDateTime) is { } reason)
                        {
                            context.Fail(reason);
                            return;
                        }
                        // Identity is the pair (issuer, subject), as one stable id: see TrustedIssuer.UserNamespace.
                        var principal = context.Principal!;
                        var userKey = issuer.UserKey(principal.FindFirstValue(JwtRegisteredClaimNames.Sub)!);
                        if (userKey.Length > Data.Entities.IUserOwned.UserIdMaxLength)
                        {
                            context.Fail($"The token's issuer and subject make a user id longer than {Data.Entities.IUserOwned.UserIdMaxLength} characters.");
                            return;
                        }
                        if (issuer.TokenStatusUrl is { Length: > 0 } statusUrl
                            && !await TokenStatus.IsActiveAsync(context.HttpContext.RequestServices, statusUrl, ((JsonWebToken)context.SecurityToken).EncodedToken, context.HttpContext.RequestAborted))
                        {
                            context.Fail("The user disconnected the app this token was issued to.");
                            return;
                        }
                        ((ClaimsIdentity)principal.Identity!).AddClaim(new Claim(UserKeyClaim, userKey));
                    },
                };
            });
            // The signature check costs more than the rest of a request's pipeline; a token is checked once (see the class).
            services.AddOptions<JwtBearerOptions>(schemes[i]).Configure<TimeProvider>((jwt, timeProvider) =>
            {
                jwt.TokenHandlers.Clear();
                jwt.TokenHandlers.Add(new CachingJsonWebTokenHandler(timeProvider, options.ValidatedTokenCacheLifetime) { MapInboundClaims = false });
            });
        }
        if (options.Issuers.Any(i => !string.IsNullOrEmpty(i.TokenStatusUrl)))
        {
            services.AddHttpClient(TokenStatus.HttpClientName, http => http.Timeout = TokenStatus.Timeout);
        }
        services.TryAddSingleton(TimeProvider.System);
        return builder;
    }

    /// <summary>
    /// <c>AddAuthentication</c> registers Data Protection, which bearer tokens never use; its hosted service still
    /// reads, and on a new machine writes, an XML key ring at every start: ~4 MiB of XML code in memory and, in a new
    /// container, a key file and a warning that it is stored unencrypted. Its services stay registered, so a feature
    /// added later that protects data still works (the ring is then loaded on first use).
    /// </summary>
    private static void SkipKeyRingLoadAtStart(IServiceCollection services)
    {
        var keyRingLoad = services.FirstOrDefault(d => d.ServiceType == typeof(Microsoft.Extensions.Hosting.IHostedService)
            && d.ImplementationType?.FullName == "Microsoft.AspNetCore.DataProtection.Internal.DataProtectionHostedService");
        if (keyRingLoad is not null)
        {
            services.Remove(keyRingLoad);
        }
    }

    /// <summary>Where an issuer's signing keys come from: its JWKS file, its JWKS URL, or its OpenID discovery document.</summary>
    private static (string Address, IConfigurationRetriever<OpenIdConnectConfiguration> Retriever, IDocumentRetriever Documents) KeysOf(TrustedIssuer issuer, bool requireHttps) => issuer switch
    {
        { JwksFile: { Length: > 0 } file } => (Path.GetFullPath(file), new JwksRetriever(), new FileDocumentRetriever()),
        { JwksUrl: { Length: > 0 } url } => (url, new JwksRetriever(), new HttpDocumentRetriever { RequireHttps = requireHttps }),
        _ => (issuer.Issuer.TrimEnd('/') + "/.well-known/openid-configuration", new OpenIdConnectConfigurationRetriever(), new HttpDocumentRetriever { RequireHttps = requireHttps }),
    };

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

/// <summary>The current user is the authenticated token's issuer and subject, as one id; nothing else can name a user.</summary>
internal sealed class HttpContextCurrentUser(IHttpContextAccessor accessor) : ICurrentUser
{
    public string? UserId
    {
        get
        {
            var user = accessor.HttpContext?.User;
            return user?.Identity?.IsAuthenticated == true ? user.FindFirstValue(JwtAuthenticationExtensions.UserKeyClaim) : null;
        }
    }
}
