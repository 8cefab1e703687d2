using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace OrgKeys.Infrastructure;

/// <summary>A string of a request body holds U+0000; the message names the field.</summary>
internal sealed class NulCharacterException(string field) : JsonException($"'{field}' must not contain the NUL character (U+0000).");

/// <summary>
/// U+0000 is no character any name, e-mail or password needs, and PostgreSQL cannot store or even
/// compare it ("invalid byte sequence for encoding UTF8: 0x00"): a NUL that reached a query was a
/// 500. It is refused at the edge instead, in request bodies and in the query string, as a 400.
/// A check after deserialization rather than a string converter, which would blank every string
/// of the OpenAPI document.
/// </summary>
internal static class NulCharacters
{
    public static IJsonTypeInfoResolver RefuseNul(this IJsonTypeInfoResolver resolver) => resolver.WithAddedModifier(type =>
    {
        var strings = type.Kind == JsonTypeInfoKind.Object
            ? type.Properties.Where(p => p.PropertyType == typeof(string) && p.Get is not null).ToArray()
            : [];
        if (strings.Length == 0)
        {
            return;
        }

        type.OnDeserialized = value =>
        {
            foreach (var property in strings)
            {
                if (property.Get!(value) is string text && text.Contains('\0', StringComparison.Ordinal))
                {
                    throw new NulCharacterException(property.Name);
                }
            }
        };
    });

    public static IApplicationBuilder UseNulFreeQueryStrings(this IApplicationBuilder app) =>
        app.Use((http, next) => http.Request.QueryString.Value is { } query && query.Contains("%00", StringComparison.Ordinal)
            ? ApiResults.WriteAsync(http, StatusCodes.Status400BadRequest, "The query string must not contain the NUL character (%00).")
            : next(http));
}
