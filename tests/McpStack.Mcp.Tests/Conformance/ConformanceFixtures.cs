using System.ComponentModel;
using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Server;

// The suite still tests logging, which the 2026-07-28 specification deprecates.
#pragma warning disable MCP9005

namespace McpStack.Mcp.Tests.Conformance;

/// <summary>
/// The fixtures the official MCP conformance suite calls (test_* tools, test:// resources, test_* prompts).
/// Added by the conformance test to the server it starts (<c>McpServerApp.Build</c>'s <c>configureMcp</c>); they are
/// not part of the server's assembly, so no deployment can expose them.
/// </summary>
public static class ConformanceFixtures
{
    // A 1×1 PNG and a minimal WAV, base64.
    internal const string Png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";
    internal const string Wav = "UklGRiYAAABXQVZFZm10IBAAAAABAAEAQB8AAAB9AAACABAAZGF0YQIAAAA=";

    public static IMcpServerBuilder AddConformanceFixtures(this IMcpServerBuilder builder)
    {
        var schemaTool = McpServerTool.Create(
            (JsonElement? name) => "ok",
            new McpServerToolCreateOptions { Name = "json_schema_2020_12_tool", Description = "Tool with JSON Schema 2020-12 features" });
        schemaTool.ProtocolTool.InputSchema = JsonElement.Parse("""
            {
              "$schema": "https://json-schema.org/draft/2020-12/schema",
              "type": "object",
              "$defs": { "address": { "type": "object", "properties": { "street": { "type": "string" }, "city": { "type": "string" } } } },
              "properties": { "name": { "type": "string" }, "address": { "$ref": "#/$defs/address" } },
              "additionalProperties": false
            }
            """);

        return builder
            .WithTools<ConformanceTools>()
            .WithTools([schemaTool])
            .WithResources<ConformanceResources>()
            .WithPrompts<ConformancePrompts>()
            .WithSetLoggingLevelHandler((_, _) => ValueTask.FromResult(new EmptyResult()))
            .WithCompleteHandler((_, _) => ValueTask.FromResult(new CompleteResult { Completion = new Completion { Values = [], Total = 0, HasMore = false } }));
    }
}

[McpServerToolType]
internal sealed class ConformanceTools
{
    [McpServerTool(Name = "test_simple_text"), Description("Returns a simple text.")]
    public static string SimpleText() => "This is a simple text response for testing.";

    [McpServerTool(Name = "test_image_content"), Description("Returns an image.")]
    public static ImageContentBlock Image() => ImageContentBlock.FromBytes(Convert.FromBase64String(ConformanceFixtures.Png), "image/png");

    [McpServerTool(Name = "test_audio_content"), Description("Returns audio.")]
    public static AudioContentBlock Audio() => AudioContentBlock.FromBytes(Convert.FromBase64String(ConformanceFixtures.Wav), "audio/wav");

    [McpServerTool(Name = "test_embedded_resource"), Description("Returns an embedded resource.")]
    public static EmbeddedResourceBlock Embedded() => new()
    {
        Resource = new TextResourceContents { Uri = "test://embedded-resource", MimeType = "text/plain", Text = "This is an embedded resource content." },
    };

    [McpServerTool(Name = "test_multiple_content_types"), Description("Returns text, an image and a resource.")]
    public static ContentBlock[] Mixed() =>
    [
        new TextContentBlock { Text = "Multiple content types test:" },
        Image(),
        new EmbeddedResourceBlock
        {
            Resource = new TextResourceContents { Uri = "test://mixed-content-resource", MimeType = "application/json", Text = """{"test":"data","value":123}""" },
        },
    ];

    [McpServerTool(Name = "test_tool_with_logging"), Description("Sends three log messages while it runs.")]
    public static async Task<string> WithLogging(McpServer server, CancellationToken cancellationToken)
    {
        foreach (var message in new[] { "Tool execution started", "Tool processing data", "Tool execution completed" })
        {
            await server.SendNotificationAsync(NotificationMethods.LoggingMessageNotification, new LoggingMessageNotificationParams
            {
                Level = LoggingLevel.Info,
                Logger = "conformance",
                Data = JsonSerializer.SerializeToElement(message),
            }, cancellationToken: cancellationToken);
            await Task.Delay(50, cancellationToken);
        }
        return "Tool with logging executed successfully";
    }

    [McpServerTool(Name = "test_tool_with_progress"), Description("Reports progress 0, 50 and 100 of 100.")]
    public static async Task<string> WithProgress(McpServer server, RequestContext<CallToolRequestParams> context, CancellationToken cancellationToken)
    {
        if (context.Params?.ProgressToken is not { } token) return "No progress token provided";
        foreach (var progress in new[] { 0, 50, 100 })
        {
            await server.NotifyProgressAsync(token, new ProgressNotificationValue { Progress = progress, Total = 100 }, cancellationToken: cancellationToken);
            if (progress < 100) await Task.Delay(50, cancellationToken);
        }
        return token.ToString() ?? "";
    }

    [McpServerTool(Name = "test_error_handling"), Description("Always fails.")]
    public static string Error() => throw new McpException("This tool intentionally returns an error for testing");
}

[McpServerResourceType]
internal sealed class ConformanceResources
{
    [McpServerResource(UriTemplate = "test://static-text", Name = "Static text", MimeType = "text/plain"), Description("A static text resource.")]
    public static TextResourceContents Text() => new() { Uri = "test://static-text", MimeType = "text/plain", Text = "This is the content of the static text resource." };

    [McpServerResource(UriTemplate = "test://static-binary", Name = "Static binary", MimeType = "image/png"), Description("A static binary resource.")]
    public static BlobResourceContents Binary() => BlobResourceContents.FromBytes(Convert.FromBase64String(ConformanceFixtures.Png), "test://static-binary", "image/png");

    [McpServerResource(UriTemplate = "test://template/{id}/data", Name = "Template", MimeType = "application/json"), Description("A resource template.")]
    public static TextResourceContents Template(string id) => new()
    {
        Uri = $"test://template/{id}/data",
        MimeType = "application/json",
        Text = JsonSerializer.Serialize(new { id, templateTest = true, data = $"Data for ID: {id}" }),
    };
}

[McpServerPromptType]
internal sealed class ConformancePrompts
{
    [McpServerPrompt(Name = "test_simple_prompt"), Description("A prompt without arguments.")]
    public static PromptMessage Simple() => User(new TextContentBlock { Text = "This is a simple prompt for testing." });

    [McpServerPrompt(Name = "test_prompt_with_arguments"), Description("A prompt with two arguments.")]
    public static PromptMessage WithArguments([Description("First test argument")] string arg1, [Description("Second test argument")] string arg2) =>
        User(new TextContentBlock { Text = $"Prompt with arguments: arg1='{arg1}', arg2='{arg2}'" });

    [McpServerPrompt(Name = "test_prompt_with_embedded_resource"), Description("A prompt embedding a resource.")]
    public static PromptMessage[] WithResource([Description("URI of the resource to embed")] string resourceUri) =>
    [
        User(new EmbeddedResourceBlock { Resource = new TextResourceContents { Uri = resourceUri, MimeType = "text/plain", Text = "Embedded resource content for testing." } }),
        User(new TextContentBlock { Text = "Please process the embedded resource above." }),
    ];

    [McpServerPrompt(Name = "test_prompt_with_image"), Description("A prompt with an image.")]
    public static PromptMessage[] WithImage() =>
    [
        User(ConformanceTools.Image()),
        User(new TextContentBlock { Text = "Please analyze the image above." }),
    ];

    private static PromptMessage User(ContentBlock content) => new() { Role = Role.User, Content = content };
}
