using System.Net;
using System.Text;
using System.Text.Json;
using McpStack.Data;
using McpStack.Testing;

namespace McpStack.Mcp.Tests;

/// <summary>
/// Malformed JSON-RPC and wrong-typed tool arguments sent straight over HTTP: a JSON-RPC error or an <c>isError</c>
/// result naming the argument, never a 5xx or exception text, in Production (the Dockerfile) and Development (./run.sh).
/// </summary>
public abstract class BadInputTests<TServer>(TServer fixture) where TServer : McpServerFixture
{
    private static readonly string Deep = string.Concat(Enumerable.Repeat("{\"a\":", 70)) + "1" + new string('}', 70);

    private async Task<(HttpStatusCode Status, string Body)> PostAsync(string body)
    {
        using var client = fixture.Server.CreateClient(fixture.TokenFor("bad-input"));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/mcp") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");
        using var response = await client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static string Call(string tool, string arguments) =>
        $$$"""{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"{{{tool}}}","arguments":{{{arguments}}}}}""";

    /// <summary>The JSON-RPC message of a response, whether sent as plain JSON or as one server-sent event.</summary>
    private static JsonElement Message(string body)
    {
        var json = body.TrimStart().StartsWith('{') ? body : string.Join("", body.Split('\n').Where(l => l.StartsWith("data:", StringComparison.Ordinal)).Select(l => l[5..]));
        return JsonDocument.Parse(json).RootElement;
    }

    private static void AssertClean(HttpStatusCode status, string body)
    {
        Assert.True((int)status < 500, $"{(int)status}: {body}");
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/list" """)]
    [InlineData("[[[[")]
    [InlineData("")]
    public async Task A_body_that_is_not_JSON_RPC_is_refused_without_a_5xx(string body)
    {
        var (status, text) = await PostAsync(body);
        AssertClean(status, text);
        Assert.Equal(HttpStatusCode.BadRequest, status);
    }

    /// <remarks>
    /// Kestrel answers 413 and closes the connection while a client may still be writing the rest of the body, and a
    /// client that meets that close on a write never reads the answer. So the declared length goes with
    /// <c>Expect: 100-continue</c> (Kestrel checks the length before it asks for the body, which is then never sent),
    /// and the chunked body is written over a raw socket that tolerates the close and reads the 413 after it.
    /// </remarks>
    [Fact]
    public async Task A_body_over_one_mebibyte_with_a_declared_length_is_413_before_it_is_sent()
    {
        var body = Encoding.UTF8.GetBytes(BigAddTask());
        using var client = fixture.Server.CreateClient(fixture.TokenFor("big-body"));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/mcp") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");
        request.Headers.ExpectContinue = true;
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.RequestEntityTooLarge, $"{(int)response.StatusCode}: {text}");
        AssertClean(response.StatusCode, text);
        await AssertNothingStoredAsync("big-body");
    }

    [Fact]
    public async Task A_chunked_body_over_one_mebibyte_is_413()
    {
        var body = Encoding.UTF8.GetBytes(BigAddTask());
        var server = new Uri(fixture.Server.BaseUrl);
        using var socket = new System.Net.Sockets.TcpClient();
        await socket.ConnectAsync(server.Host, server.Port);
        var stream = socket.GetStream();
        var head = $"POST /mcp HTTP/1.1\r\nHost: {server.Authority}\r\nAuthorization: Bearer {fixture.TokenFor("big-chunked")}\r\n" +
                   "Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n";
        try
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
            foreach (var chunk in body.Chunk(64 * 1024))
            {
                await stream.WriteAsync(Encoding.ASCII.GetBytes($"{chunk.Length:x}\r\n"));
                await stream.WriteAsync(chunk);
                await stream.WriteAsync("\r\n"u8.ToArray());
            }
            await stream.WriteAsync("0\r\n\r\n"u8.ToArray());
        }
        catch (IOException)
        {
            // Kestrel closed the connection after answering; the answer is already on its way to this socket.
        }

        var received = new MemoryStream();
        try { await stream.CopyToAsync(received); }
        catch (IOException) when (received.Length > 0) { } // the reset after the answer
        var text = Encoding.UTF8.GetString(received.ToArray());
        Assert.StartsWith("HTTP/1.1 413 ", text, StringComparison.Ordinal);
        AssertClean(HttpStatusCode.RequestEntityTooLarge, text);
        await AssertNothingStoredAsync("big-chunked");
    }

    private static string BigAddTask() => Call("add_task", "{\"title\":\"" + new string('x', 2 * 1024 * 1024) + "\"}");

    private async Task AssertNothingStoredAsync(string user)
    {
        await using var client = await fixture.ConnectAsAsync(user);
        var own = await client.CallToolAsync("list_tasks", new Dictionary<string, object?>());
        Assert.Equal(0, own.StructuredContent!.Value.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task JSON_nested_deeper_than_64_levels_is_refused_without_a_5xx()
    {
        var (status, text) = await PostAsync(Call("add_task", Deep));
        AssertClean(status, text);
    }

    [Theory]
    [InlineData("add_task", """{"title":5}""", "title")]
    [InlineData("add_task", """{"title":"ok","priority":"urgent"}""", "priority")]
    [InlineData("add_task", """{"title":"ok","priority":7}""", "priority")]
    [InlineData("add_task", """{"title":"ok","priority":-1}""", "priority")]
    [InlineData("add_task", """{"title":"ok","dueAt":"next tuesday"}""", "dueAt")]
    [InlineData("list_tasks", """{"limit":"abc"}""", "limit")]
    [InlineData("list_tasks", """{"limit":99999999999}""", "limit")]
    [InlineData("list_tasks", """{"status":3}""", "status")]
    [InlineData("complete_task", """{"id":"x","completed":"yes"}""", "completed")]
    public async Task A_wrong_typed_argument_is_a_tool_error_naming_it(string tool, string arguments, string argument)
    {
        var (status, text) = await PostAsync(Call(tool, arguments));
        AssertClean(status, text);
        var result = Message(text).GetProperty("result");
        Assert.True(result.GetProperty("isError").GetBoolean(), text);
        var message = result.GetProperty("content")[0].GetProperty("text").GetString()!;
        Assert.True(message.Contains(argument, StringComparison.Ordinal), message);
        Assert.DoesNotContain("An error occurred", message, StringComparison.Ordinal);

        await AssertNothingStoredAsync("bad-input");
    }

    [Fact]
    public async Task A_tools_call_without_a_name_is_invalid_params()
    {
        var (status, text) = await PostAsync("""{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"arguments":{}}}""");
        AssertClean(status, text);
        Assert.Equal(-32602, Message(text).GetProperty("error").GetProperty("code").GetInt32());
    }
}

public sealed class DevelopmentMcpServer() : McpServerFixture(DatabaseProvider.Sqlite, "--environment=Development");

public sealed class ProductionBadInputTests(SqliteMcpServer fixture) : BadInputTests<SqliteMcpServer>(fixture), IClassFixture<SqliteMcpServer>;

public sealed class DevelopmentBadInputTests(DevelopmentMcpServer fixture) : BadInputTests<DevelopmentMcpServer>(fixture), IClassFixture<DevelopmentMcpServer>;
