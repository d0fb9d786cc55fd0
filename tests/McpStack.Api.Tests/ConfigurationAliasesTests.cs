using McpStack.Hosting;
using McpStack.Testing;
using Microsoft.AspNetCore.Builder;

namespace McpStack.Api.Tests;

/// <summary>The Python pattern's variable names rank above appsettings and below explicit settings.</summary>
public class ConfigurationAliasesTests
{
    private static WebApplicationBuilder Builder(params string[] args) => WebApplication.CreateBuilder(new WebApplicationOptions
    {
        Args = args,
        EnvironmentName = "Development",
        ContentRootPath = Path.Combine(RepoPaths.Root, "src", "McpStack.Api"),
    });

    [Fact]
    public void An_alias_overrides_the_appsettings_files()
    {
        var builder = Builder();
        Assert.Equal("http://localhost:8001/mcp", builder.Configuration["Delegation:McpServerUrl"]);
        builder.Configuration.AddAliases(("Delegation:McpServerUrl", "http://mcp.internal:8001/mcp"), ("Unset:Key", null));
        Assert.Equal("http://mcp.internal:8001/mcp", builder.Configuration["Delegation:McpServerUrl"]);
        Assert.Null(builder.Configuration["Unset:Key"]);
    }

    [Fact]
    public void The_command_line_overrides_an_alias()
    {
        var builder = Builder("--Delegation:McpServerUrl=http://explicit/mcp");
        builder.Configuration.AddAliases(("Delegation:McpServerUrl", "http://alias/mcp"));
        Assert.Equal("http://explicit/mcp", builder.Configuration["Delegation:McpServerUrl"]);
    }
}
