using Microsoft.Extensions.DependencyInjection;

namespace McpStack.Mcp.Conformance;

public static class ConformanceFixtures
{
    public static IMcpServerBuilder AddConformanceFixtures(this IMcpServerBuilder builder) => builder;
}
