using System.Text.Json;

namespace OrgKeys.ApiKeys.Rules;

/// <summary>
/// Fields where absent and <c>null</c> mean different things (absent keeps a setting, <c>null</c>
/// clears it): bound as <see cref="JsonElement"/>, whose kind is <c>Undefined</c> when absent.
/// </summary>
public static class OptionalJson
{
    // As strict as the request binding: a number in a string is a wrong type, not a number.
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict,
        MaxDepth = 16,
    };

    public static bool IsGiven(JsonElement element) => element.ValueKind != JsonValueKind.Undefined;

    public static bool IsNull(JsonElement element) => element.ValueKind == JsonValueKind.Null;

    /// <summary>The value as <typeparamref name="T"/> (default when absent or null), or the 400's sentence naming <paramref name="field"/>.</summary>
    public static (T? Value, string? Error) Read<T>(JsonElement element, string field)
    {
        if (element.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return (default, null);
        }

        try
        {
            return (element.Deserialize<T>(Options), null);
        }
        catch (JsonException)
        {
            return (default, $"Invalid value for '{field}': wrong type.");
        }
    }
}
