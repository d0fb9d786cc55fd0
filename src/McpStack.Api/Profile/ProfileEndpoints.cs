using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using McpStack.Api.Features;
using McpStack.Hosting.Auth;
using Microsoft.IdentityModel.JsonWebTokens;

namespace McpStack.Api.Profile;

public static class ProfileEndpoints
{
    public static IEndpointRouteBuilder MapProfileEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/me", Me).WithName("GetMe").WithTags("Profile").RequireAuthorization().ProducesProblems(StatusCodes.Status401Unauthorized)
            .WithSummary("Who the token says you are.");
        return app;
    }

    /// <summary><c>id</c> is the user's McpStack id: the token's <c>sub</c> for the web tier's users (see TrustedIssuer.UserNamespace).</summary>
    private static Ok<MeResponse> Me(ClaimsPrincipal user) => TypedResults.Ok(new MeResponse(
        user.FindFirstValue(JwtAuthenticationExtensions.UserKeyClaim)!,
        user.FindFirstValue(JwtRegisteredClaimNames.Email),
        user.FindFirstValue(JwtRegisteredClaimNames.Name)));
}

public sealed record MeResponse(string Id, string? Email, string? Name);
