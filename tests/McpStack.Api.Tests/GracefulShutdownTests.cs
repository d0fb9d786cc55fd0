using System.Net;
using System.Net.Http.Json;
using McpStack.Api.Chat;
using McpStack.Data;
using McpStack.Hosting;
using McpStack.Testing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace McpStack.Api.Tests;

/// <summary>
/// Leaving as SIGTERM makes a replica leave (<see cref="GracefulShutdown.Begin"/> is what the signal calls): readiness
/// red while it still serves, then no new connections, and the chat turn in flight finished and answered in full.
/// </summary>
public sealed class GracefulShutdownTests
{
    private sealed class LeavingStack() : StackFixture(DatabaseProvider.Sqlite, "--Shutdown:ReadinessDelay=00:00:02", "--Shutdown:DrainTime=00:00:20")
    {
        public ScriptedChatClient Model { get; } = new();

        protected override void OverrideServices(IServiceCollection services) => services.AddSingleton(new ChatModel(Model, "scripted"));
    }

    [Fact]
    public async Task Readiness_turns_red_first_then_the_turn_in_flight_finishes_before_the_api_stops()
    {
        var stack = new LeavingStack();
        await stack.InitializeAsync();
        try
        {
            stack.Model.Reset(_ => [new TextContent("Finished although the replica was leaving.")]);
            stack.Model.Delay = TimeSpan.FromSeconds(4);
            using var client = stack.ClientFor(Http.NewUser("leaving"));
            using var probe = stack.Api.CreateClient();
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/chat") { Content = JsonContent.Create(new { message = "a slow question" }) };
            var turn = client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.OK, await Eventually.WaitForAsync(() => Task.FromResult(stack.Model.Requests.Count == 1 ? HttpStatusCode.OK : HttpStatusCode.Accepted), HttpStatusCode.OK, TimeSpan.FromSeconds(10)));

            var lifetime = stack.Api.Services.GetRequiredService<IHostApplicationLifetime>();
            var running = stack.Api.WaitForShutdownAsync();
            stack.Api.Services.GetRequiredService<GracefulShutdown>().Begin("SIGTERM (test)");

            // Still serving, but out of rotation.
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await probe.GetAsync("/health/ready")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await probe.GetAsync("/health")).StatusCode);
            Assert.False(lifetime.ApplicationStopping.IsCancellationRequested);

            // The turn in flight is answered in full although the api stops listening meanwhile.
            var answer = await UiMessageStreamReader.ReadAsync(await turn);
            Assert.True(lifetime.ApplicationStopping.IsCancellationRequested, "the api stopped listening while the turn was being written");
            Assert.True(answer.Done);
            Assert.Equal("Finished although the replica was leaving.", answer.Text.Trim());
            Assert.Empty(answer.OfType("error"));

            await running.WaitAsync(TimeSpan.FromSeconds(20));
            Assert.True(lifetime.ApplicationStopped.IsCancellationRequested);
            using var late = new HttpClient { BaseAddress = new Uri(stack.Api.BaseUrl) };
            await Assert.ThrowsAsync<HttpRequestException>(() => late.GetAsync("/health"));
        }
        finally
        {
            await stack.DisposeAsync();
        }
    }
}
