using System.Text.Json;
using System.Text.Json.Nodes;
using McpStack.Testing;

namespace McpStack.Api.Tests;

/// <summary>
/// The OpenAPI document the api serves is the one committed beside the web's client, which is generated from it
/// (web/lib/generated): a change to an endpoint that is not carried to the client fails here. UPDATE_OPENAPI=1
/// rewrites the committed document instead (then regenerate the client: cd web &amp;&amp; npm run generate:api). A solution
/// without the web tier keeps the document as docs/openapi.json, for whatever client a team generates from it.
/// </summary>
public sealed class OpenApiDocumentTests(DevelopmentStack stack) : IClassFixture<DevelopmentStack>
{
    private static readonly string Committed = Directory.Exists(Path.Combine(RepoPaths.Root, "web"))
        ? Path.Combine(RepoPaths.Root, "web", "lib", "generated", "openapi.json")
        : Path.Combine(RepoPaths.Root, "docs", "openapi.json");

    [Fact]
    public async Task The_served_document_is_the_committed_one()
    {
        using var client = stack.Api.CreateClient();
        var served = JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json"))!;
        if (Environment.GetEnvironmentVariable("UPDATE_OPENAPI") == "1")
        {
            await File.WriteAllTextAsync(Committed, served.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n");
        }
        var committed = JsonNode.Parse(await File.ReadAllTextAsync(Committed))!;
        Assert.True(JsonNode.DeepEquals(served, committed),
            "The api's OpenAPI document changed: run UPDATE_OPENAPI=1 dotnet test tests/McpStack.Api.Tests --filter OpenApiDocumentTests, "
            + "then, with a web tier, (cd web && npm run generate:api), and commit what changed.");
    }

    [Fact]
    public async Task Every_operation_has_an_id_the_bearer_scheme_and_its_problem_responses()
    {
        using var client = stack.Api.CreateClient();
        var document = JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json"))!;
        Assert.Equal("bearer", (string?)document["components"]!["securitySchemes"]!["bearer"]!["scheme"]);
        Assert.NotNull(document["security"]!.AsArray().Single()!["bearer"]);
        var operations = document["paths"]!.AsObject().SelectMany(path => path.Value!.AsObject().Select(op => (Path: path.Key, Method: op.Key, Operation: op.Value!))).ToList();
        Assert.NotEmpty(operations);
        Assert.All(operations, o =>
        {
            Assert.False(string.IsNullOrEmpty((string?)o.Operation["operationId"]), $"{o.Method} {o.Path} has no operationId");
            var responses = o.Operation["responses"]!.AsObject();
            Assert.True(responses.ContainsKey("401"), $"{o.Method} {o.Path} does not document 401");
            Assert.Equal("application/problem+json", responses["401"]!["content"]!.AsObject().Single().Key);
        });
        Assert.Equal(operations.Count, operations.Select(o => (string?)o.Operation["operationId"]).Distinct().Count());
    }
}
