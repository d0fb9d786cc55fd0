using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.IdentityModel.JsonWebTokens;

namespace McpStack.Api.Profile;

public static class ProfileEndpoints
{
    public static IEndpointRouteBuilder MapProfileEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/me", Me).WithTags("Profile").RequireAuthorization().WithSummary("Who the token says you are.");
        return app;
    }

    private static Ok<MeResponse> Me(ClaimsPrincipal user) => TypedResults.Ok(new MeResponse(
        user.FindFirstValue(JwtRegisteredClaimNames.Sub)!,
        user.FindFirstValue(JwtRegisteredClaimNames.Email),
        user.FindFirstValue(JwtRegisteredClaimNames.Name)));
}

public sealed record MeResponse(string Id, string? Email, string? Name);
