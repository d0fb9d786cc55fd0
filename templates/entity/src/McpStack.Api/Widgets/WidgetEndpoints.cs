using McpStack.Api.Delegation;
using McpStack.Api.Features;
using McpStack.Api.Security;
using McpStack.Data.Widgets;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace McpStack.Api.Widgets;

/// <summary>The signed-in user's widgets. Ids of other users' widgets answer 404; bad input 400 problem details.</summary>
[EndpointGroup]
public static class WidgetEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        // Each operation's id (WithName) and problem responses go into the OpenAPI document the web's client is generated from.
        var widgets = app.MapGroup("/api/widgets").WithTags("Widgets").RequireAuthorization().ProducesProblems(StatusCodes.Status401Unauthorized);
        widgets.MapGet("/", List).WithName("ListWidgets").ProducesProblems(StatusCodes.Status400BadRequest)
            .WithSummary("Lists the user's widgets, oldest first, with paging.");
        widgets.MapGet("/{id:guid}", Get).WithName("GetWidget").ProducesProblems(StatusCodes.Status404NotFound).WithSummary("One widget.");
        widgets.MapPost("/", Create).WithName("CreateWidget").RequireWriteBudget().ProducesProblems(StatusCodes.Status400BadRequest).WithSummary("Adds a widget.");
        widgets.MapPatch("/{id:guid}", Update).WithName("UpdateWidget").RequireWriteBudget()
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict)
            .WithSummary("Changes the given fields. With `version`, refuses (409) if the widget changed since that version.");
        widgets.MapDelete("/{id:guid}", Delete).WithName("DeleteWidget").RequireWriteBudget().ProducesProblems(StatusCodes.Status404NotFound)
            .WithSummary("Deletes a widget.");
    }

    private static async Task<Ok<WidgetPage>> List(WidgetService widgets, int? limit, int? offset, CancellationToken cancellationToken) =>
        TypedResults.Ok(await widgets.ListAsync(limit, offset, cancellationToken));

    private static async Task<Ok<WidgetDto>> Get(WidgetService widgets, Guid id, CancellationToken cancellationToken) =>
        TypedResults.Ok(await widgets.GetAsync(id, cancellationToken));

    /// <summary>The <c>Location</c> comes from the api's configured public URL, never from the request's Host header.</summary>
    private static async Task<Created<WidgetDto>> Create(WidgetService widgets, IOptions<DelegationOptions> api, CreateWidgetRequest request, CancellationToken cancellationToken)
    {
        var widget = await widgets.AddAsync(request.Name, request.Notes, cancellationToken);
        return TypedResults.Created($"{api.Value.Issuer.TrimEnd('/')}/api/widgets/{widget.Id}", widget);
    }

    private static async Task<Ok<WidgetDto>> Update(WidgetService widgets, Guid id, UpdateWidgetRequest request, CancellationToken cancellationToken) =>
        TypedResults.Ok(await widgets.UpdateAsync(id, request.Name, request.Notes, request.Version, cancellationToken));

    private static async Task<NoContent> Delete(WidgetService widgets, Guid id, CancellationToken cancellationToken)
    {
        await widgets.DeleteAsync(id, cancellationToken);
        return TypedResults.NoContent();
    }
}

public sealed record CreateWidgetRequest(string? Name, string? Notes = null);

/// <summary>Only the fields given change. <see cref="Version"/>, when given, must be the widget's current version.</summary>
public sealed record UpdateWidgetRequest(string? Name = null, string? Notes = null, int? Version = null);
