using System.Text.Json;
using System.Text.Json.Serialization;

namespace OrgKeys.Infrastructure;

/// <summary>
/// U+0000 is no character any name, e-mail or password needs, and PostgreSQL cannot store or even
/// compare it ("invalid byte sequence for encoding UTF8: 0x00"): a NUL that reached a query was a
/// 500. It is refused at the edge instead, in JSON strings and in the query string, as a 400.
/// </summary>
internal sealed class NulFreeStringConverter : JsonConverter<string>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var value = reader.GetString();
        return value is not null && value.Contains('\0', StringComparison.Ordinal)
            ? throw new JsonException("A string contains the NUL character (U+0000).")
            : value;
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}

internal static class NulCharacterExtensions
{
    public static IApplicationBuilder UseNulFreeQueryStrings(this IApplicationBuilder app) =>
        app.Use((http, next) => http.Request.QueryString.Value is { } query && query.Contains("%00", StringComparison.Ordinal)
            ? ApiResults.WriteAsync(http, StatusCodes.Status400BadRequest, "The query string contains the NUL character (%00).")
            : next(http));
}
