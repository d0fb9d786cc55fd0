using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using OpenAI;

namespace McpStack.Api.Chat;

/// <summary>The configured model, or none: then the chat answers slash commands only.</summary>
public sealed record ChatModel(IChatClient? Client, string Description);

public static class ChatModelFactory
{
    /// <summary>Registers <see cref="ChatModel"/> from configuration (OpenAI, Azure OpenAI, Ollama, any OpenAI-compatible endpoint).</summary>
    public static IServiceCollection AddChatModel(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ChatModelOptions>().Bind(configuration.GetSection(ChatModelOptions.SectionName)).ValidateDataAnnotations()
            .Validate(o => o.ProgressStaleAfter >= 3 * o.ProgressInterval, "Chat:ProgressStaleAfter must be at least three Chat:ProgressIntervals: a live turn would be taken for dead.")
            .ValidateOnStart();
        services.AddSingleton(sp => Create(sp.GetRequiredService<IOptions<ChatModelOptions>>().Value));
        return services;
    }

    public static ChatModel Create(ChatModelOptions options)
    {
        var provider = options.Provider;
        if (provider == ChatProvider.Auto)
        {
            provider = !string.IsNullOrWhiteSpace(options.Endpoint) ? ChatProvider.OpenAICompatible
                : !string.IsNullOrWhiteSpace(options.ApiKey) ? ChatProvider.OpenAI
                : ChatProvider.None;
        }

        switch (provider)
        {
            case ChatProvider.None:
                return new ChatModel(null, "none");
            case ChatProvider.OpenAI:
                var model = options.Model ?? "gpt-4o";
                return new ChatModel(OpenAI(Required(options.ApiKey, "Chat:ApiKey (OPENAI_API_KEY)"), null, model), $"OpenAI {model}");
            case ChatProvider.OpenAICompatible:
                var endpoint = new Uri(Required(options.Endpoint, "Chat:Endpoint (OPENAI_BASE_URL)"));
                var compatibleModel = Required(options.Model, "Chat:Model (OPENAI_MODEL)");
                return new ChatModel(OpenAI(options.ApiKey ?? "not-needed", endpoint, compatibleModel), $"OpenAI-compatible {compatibleModel} at {endpoint}");
            case ChatProvider.Ollama:
                var ollama = new Uri(new Uri(options.Endpoint ?? "http://localhost:11434"), "/v1");
                var ollamaModel = options.Model ?? "llama3.1";
                // Ollama serves the OpenAI API under /v1 and ignores the key.
                return new ChatModel(OpenAI("ollama", ollama, ollamaModel), $"Ollama {ollamaModel} at {ollama}");
            case ChatProvider.AzureOpenAI:
                var azure = new Uri(new Uri(Required(options.Endpoint, "Chat:Endpoint (AZURE_OPENAI_ENDPOINT)")), "/openai/v1/");
                var deployment = Required(options.Model, "Chat:Model (the Azure deployment name)");
                var azureOptions = new OpenAIClientOptions { Endpoint = azure };
                // Azure OpenAI's v1 API takes the key in an api-key header rather than as a bearer token.
                azureOptions.AddPolicy(new ApiKeyHeaderPolicy(Required(options.ApiKey, "Chat:ApiKey (AZURE_OPENAI_API_KEY)")), PipelinePosition.PerCall);
                var client = new OpenAIClient(new ApiKeyCredential("unused"), azureOptions);
                return new ChatModel(client.GetChatClient(deployment).AsIChatClient(), $"Azure OpenAI {deployment} at {azure}");
            default:
                throw new InvalidOperationException($"Unknown chat provider {provider}.");
        }
    }

    private static IChatClient OpenAI(string apiKey, Uri? endpoint, string model) =>
        new OpenAIClient(new ApiKeyCredential(apiKey), new OpenAIClientOptions { Endpoint = endpoint }).GetChatClient(model).AsIChatClient();

    private static string Required(string? value, string name) =>
        string.IsNullOrWhiteSpace(value) ? throw new InvalidOperationException($"The chat provider needs {name}.") : value;

    private sealed class ApiKeyHeaderPolicy(string key) : PipelinePolicy
    {
        public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
        {
            message.Request.Headers.Set("api-key", key);
            ProcessNext(message, pipeline, currentIndex);
        }

        public override ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
        {
            message.Request.Headers.Set("api-key", key);
            return ProcessNextAsync(message, pipeline, currentIndex);
        }
    }
}
