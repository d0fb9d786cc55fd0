using System.Reflection;

namespace McpStack.Api.Features;

/// <summary>
/// Marks a static class whose <c>public static void Map(IEndpointRouteBuilder app)</c> maps a feature's endpoints;
/// <see cref="EndpointGroups.MapEndpointGroups"/> maps every one, so a new feature needs no line in <c>ApiApp</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class EndpointGroupAttribute : Attribute;

public static class EndpointGroups
{
    public static IEndpointRouteBuilder MapEndpointGroups(this IEndpointRouteBuilder app)
    {
        foreach (var group in typeof(EndpointGroups).Assembly.GetTypes().Where(t => t.GetCustomAttribute<EndpointGroupAttribute>() is not null).OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            var map = group.GetMethod("Map", BindingFlags.Public | BindingFlags.Static, [typeof(IEndpointRouteBuilder)])
                ?? throw new InvalidOperationException($"{group.FullName} is an [EndpointGroup] without a public static void Map(IEndpointRouteBuilder app).");
            map.Invoke(null, [app]);
        }
        return app;
    }
}
