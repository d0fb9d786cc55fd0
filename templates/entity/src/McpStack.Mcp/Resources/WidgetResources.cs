using System.ComponentModel;
using System.Text.Json;
using McpStack.Data;
using McpStack.Data.Widgets;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpStack.Mcp.Resources;

/// <summary>
/// The signed-in user's widgets as resources a client attaches as context: <c>widget://{id}</c>, and one listed resource
/// per widget. Every read goes through the per-user service: another user's widget is not found, as an unknown one is.
/// </summary>
[McpServerResourceType]
public sealed class WidgetResources : IResourceListing
{
    public const string Scheme = "widget";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [McpServerResource(UriTemplate = $"{Scheme}://{{id}}", Name = "widget", Title = "A widget", MimeType = "application/json")]
    [Description("One of the signed-in user's widgets as JSON. The id is a widget's id from list_widgets.")]
    public static async Task<ResourceContents> Read(string id, WidgetService widgets, McpServer server, CancellationToken cancellationToken)
    {
        var uri = $"{Scheme}://{id}";
        try
        {
            var widget = await widgets.GetAsync(EntityIds.Parse(id, "widget"), cancellationToken);
            return new TextResourceContents { Uri = uri, MimeType = "application/json", Text = JsonSerializer.Serialize(widget, Json) };
        }
        catch (DomainException e) when (e is NotFoundException or InputValidationException)
        {
            throw ResourceListings.NotFound(server, $"No widget at {uri}: it does not exist, or it is not yours.");
        }
    }

    /// <summary>The first page of widgets, each to attach.</summary>
    public async Task<IEnumerable<Resource>> ListAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var page = await services.GetRequiredService<WidgetService>().ListAsync(WidgetService.MaxPageSize, 0, cancellationToken);
        return page.Items.Select(w => new Resource { Uri = $"{Scheme}://{w.Id}", Name = w.Name, Title = w.Name, MimeType = "application/json" });
    }
}
