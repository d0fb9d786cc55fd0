using System.Reflection;
using System.Text.Json.Serialization;

namespace McpStack.Hosting;

/// <summary>What a JSON value of a .NET type looks like, in words a caller can act on ("a whole number in range").</summary>
public static class JsonValueShapes
{
    /// <summary>What a value of <paramref name="type"/> looks like, in words.</summary>
    public static string Describe(Type? type)
    {
        type = type is null ? null : Nullable.GetUnderlyingType(type) ?? type;
        return type switch
        {
            null => "of the documented type",
            _ when type == typeof(string) => "a string",
            _ when type == typeof(int) || type == typeof(long) || type == typeof(short) => "a whole number in range",
            _ when type == typeof(double) || type == typeof(decimal) || type == typeof(float) => "a number",
            _ when type == typeof(bool) => "true or false",
            _ when type == typeof(DateTime) || type == typeof(DateTimeOffset) => "a date and time in ISO 8601 (2026-12-01T17:00:00Z)",
            _ when type == typeof(Guid) => "an id (a UUID)",
            { IsEnum: true } => "one of: " + string.Join(", ", type.GetFields(BindingFlags.Public | BindingFlags.Static)
                .Select(f => f.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? f.Name)),
            _ when ElementType(type) is not null => "a list",
            _ => "an object",
        };
    }

    /// <summary>The item type of a list or array, or null.</summary>
    public static Type? ElementType(Type type) =>
        type == typeof(string) ? null : type.IsArray ? type.GetElementType() : type.GetInterfaces().Append(type)
            .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];
}
