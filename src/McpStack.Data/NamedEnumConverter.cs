using System.Text.Json.Serialization;

namespace McpStack.Data;

/// <summary>
/// An enum read and written by its names only. The default converter also takes numbers, so <c>"priority": 7</c> was
/// stored as an undefined value and broke the tools' output schema. Deriving from the built-in converter keeps the
/// names in generated JSON schemas (OpenAPI, MCP tool schemas).
/// </summary>
public sealed class NamedEnumConverter<TEnum>() : JsonStringEnumConverter<TEnum>(namingPolicy: null, allowIntegerValues: false)
    where TEnum : struct, Enum;
