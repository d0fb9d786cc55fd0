using McpStack.Hosting;

namespace McpStack.Api.Tests;

public class HealthProbeTests
{
    [Theory]
    [InlineData("http://+:8001", null, "http://localhost:8001")]
    [InlineData("http://*:8000;https://*:8443", null, "http://localhost:8000")]
    [InlineData("http://0.0.0.0:9000/", null, "http://localhost:9000")]
    [InlineData(null, "8080", "http://localhost:8080")]
    [InlineData(null, null, "http://localhost:8080")]
    public void Probes_the_first_configured_address_on_localhost(string? urls, string? ports, string expected) =>
        Assert.Equal(expected, HealthProbe.LocalUrl(urls, ports));
}
