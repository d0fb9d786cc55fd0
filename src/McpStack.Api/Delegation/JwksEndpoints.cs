using McpStack.Hosting.Auth;

namespace McpStack.Api.Delegation;

public static class JwksEndpoints
{
    /// <summary>Publishes the public half of the delegation key, so the MCP server can verify the tokens the api mints.</summary>
    public static IEndpointRouteBuilder MapDelegationJwks(this IEndpointRouteBuilder app)
    {
        app.MapGet("/.well-known/jwks.json", (DelegationSigningKey key, HttpContext context) =>
            {
                context.Response.Headers.CacheControl = "public, max-age=300";
                return TypedResults.Json(Jwks.From([key.Key]));
            })
            .AllowAnonymous()
            .ExcludeFromDescription();
        return app;
    }
}
