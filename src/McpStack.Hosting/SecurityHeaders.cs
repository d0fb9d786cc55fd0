using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace McpStack.Hosting;

public static class SecurityHeaders
{
    /// <summary>
    /// Oversized bodies get 413. Headers for JSON and event-stream APIs: no MIME sniffing, no framing, no referrer, no content policy beyond
    /// "nothing"; HSTS on HTTPS requests outside Development.
    /// </summary>
    public static WebApplication UseSecurityHeaders(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts();
        }
        app.Use((context, next) =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers.ContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'";
            // A declared body over Kestrel's limit (Kestrel:Limits:MaxRequestBodySize) is refused before anything
            // reads it; otherwise the JSON binder would report the limit as a generic 400.
            var limit = context.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize;
            if (limit is { } max && context.Request.ContentLength > max)
            {
                context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                return context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context,
                    ProblemDetails = { Status = StatusCodes.Status413PayloadTooLarge, Title = "The request body is too large.", Detail = $"The limit is {max} bytes." },
                }).AsTask();
            }
            return next(context);
        });
        return app;
    }
}
