using McpStack.Data;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace McpStack.Hosting;

/// <summary>
/// Turns the domain's errors into RFC 7807 problem details by their kind (400 with field messages, 404, 409), whatever
/// feature raised them, and a database or sign-in service that cannot be reached into 503.
/// </summary>
public sealed class DomainExceptionHandler(IProblemDetailsService problemDetails) : IExceptionHandler
{
    /// <summary>
    /// A failure to reach the database, which a retry may cure (the provider's own exception, maybe wrapped by EF
    /// Core): a connection refused or dropped, a server shutting down, a busy SQLite file. Any other database error (a
    /// constraint, bad SQL) is a bug: it is logged and answered 500, without a hint to retry.
    /// </summary>
    public static bool IsDatabaseUnavailable(Exception exception) => Unreachable(exception) || Unreachable(exception.InnerException);

    private static bool Unreachable(Exception? exception) => exception is System.Data.Common.DbException e
        && (e.IsTransient || e.InnerException is System.Net.Sockets.SocketException or IOException or TimeoutException
            // SQLITE_BUSY, SQLITE_LOCKED, SQLITE_CANTOPEN: the file is held by another writer or cannot be opened.
            || e is Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: 5 or 6 or 14 });

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ProblemDetails? problem = exception switch
        {
            InputValidationException e => new ValidationProblemDetails(e.Errors.ToDictionary(kv => kv.Key, kv => kv.Value))
            {
                Status = StatusCodes.Status400BadRequest,
                Title = e.Title,
                Detail = e.Message,
            },
            DomainException e => WithDetails(new ProblemDetails { Status = StatusOf(e.Kind), Title = e.Title, Detail = e.Message }, e),
            Auth.AuthorizationServerUnavailableException => new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "The sign-in service is not reachable.",
                Detail = "Your token could not be checked, so nothing was done. Try again in a moment.",
            },
            _ when IsDatabaseUnavailable(exception) => new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "The database is not reachable.",
                Detail = "Nothing was changed. Try again in a moment.",
            },
            _ => null,
        };
        if (problem is null) return false;
        if (problem.Status == StatusCodes.Status503ServiceUnavailable) httpContext.Response.Headers.RetryAfter = "5";

        httpContext.Response.StatusCode = problem.Status!.Value;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }

    private static int StatusOf(DomainErrorKind kind) => kind switch
    {
        DomainErrorKind.Invalid => StatusCodes.Status400BadRequest,
        DomainErrorKind.NotFound => StatusCodes.Status404NotFound,
        _ => StatusCodes.Status409Conflict,
    };

    private static ProblemDetails WithDetails(ProblemDetails problem, DomainException error)
    {
        foreach (var (name, value) in error.Details) problem.Extensions[name] = value;
        return problem;
    }
}
