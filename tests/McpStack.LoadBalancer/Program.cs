using System.Collections.Concurrent;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Model;
using Yarp.ReverseProxy.Transforms;

// A reverse proxy as a load balancer or Kubernetes Service puts one in front of replicas: round-robin over
// --Replicas:N URLs, each taken out while its /health/ready fails (probed every second) and put back when it passes.
// Each answer names the replica that gave it (X-Replica), and GET /_lb/served counts the requests each one served.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
var replicas = builder.Configuration.GetSection("Replicas").Get<string[]>() is { Length: > 0 } urls
    ? urls
    : throw new InvalidOperationException("Pass the replicas to balance: --Replicas:0=http://127.0.0.1:5001 --Replicas:1=...");
var served = new ConcurrentDictionary<string, int>();

builder.Services.AddReverseProxy()
    .LoadFromMemory(
        [new RouteConfig { RouteId = "all", ClusterId = "replicas", Match = new RouteMatch { Path = "{**path}" } }],
        [
            new ClusterConfig
            {
                ClusterId = "replicas",
                LoadBalancingPolicy = "RoundRobin",
                Destinations = replicas.Select((url, i) => (Id: $"replica-{i}", url)).ToDictionary(r => r.Id, r => new DestinationConfig { Address = r.url }),
                HealthCheck = new HealthCheckConfig
                {
                    Active = new ActiveHealthCheckConfig
                    {
                        Enabled = true,
                        Interval = TimeSpan.FromSeconds(1),
                        Timeout = TimeSpan.FromSeconds(1),
                        Path = "/health/ready",
                        Policy = HealthCheckConstants.ActivePolicy.ConsecutiveFailures,
                    },
                },
                // One failed probe takes a replica out: a stopping one says so for a few seconds before it stops listening.
                Metadata = new Dictionary<string, string> { [ConsecutiveFailuresHealthPolicyOptions.ThresholdMetadataName] = "1" },
            },
        ])
    .AddTransforms(context => context.AddResponseTransform(transform =>
    {
        if (transform.HttpContext.GetReverseProxyFeature().ProxiedDestination is { } destination)
        {
            transform.HttpContext.Response.Headers["X-Replica"] = destination.DestinationId;
            served.AddOrUpdate(destination.DestinationId, 1, (_, n) => n + 1);
        }
        return ValueTask.CompletedTask;
    }));

var app = builder.Build();
app.MapGet("/_lb/served", () => served);
app.MapReverseProxy();
app.Run();
