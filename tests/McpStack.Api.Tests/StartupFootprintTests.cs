using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace McpStack.Api.Tests;

/// <summary>What the services leave out of their start because they never use it (bench/README.md has what it saves).</summary>
public sealed class StartupFootprintTests(SqliteStack stack) : IClassFixture<SqliteStack>
{
    [Fact]
    public void Neither_service_loads_the_Data_Protection_key_ring_at_start_yet_both_can_still_protect_data()
    {
        foreach (var services in new[] { stack.Api.Services, stack.Mcp.Services })
        {
            var startedServices = services.GetServices<IHostedService>().Select(s => s.GetType().FullName).ToList();
            Assert.NotEmpty(startedServices);
            Assert.DoesNotContain(startedServices, name => name!.StartsWith("Microsoft.AspNetCore.DataProtection", StringComparison.Ordinal));

            var protector = services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test");
            Assert.Equal("secret", protector.Unprotect(protector.Protect("secret")));
        }
    }
}
