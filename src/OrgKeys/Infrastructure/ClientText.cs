using System.Diagnostics.CodeAnalysis;

namespace OrgKeys.Infrastructure;

/// <summary>
/// Checks on strings a client sent, before they reach the database. Request bodies and query strings
/// are already refused with a NUL at the edge (<see cref="NulCharacters"/>); this guards the domain
/// rules the CLI shares.
/// </summary>
public static class ClientText
{
    /// <summary>
    /// PostgreSQL text cannot hold U+0000: a string with it must be refused as bad input, or the
    /// query fails as a 500 (SQLite would store it).
    /// </summary>
    public static bool HasNul([NotNullWhen(true)] string? value) => value is not null && value.Contains('\0', StringComparison.Ordinal);

    /// <summary>
    /// Why a name is refused, or null: control and format characters (Unicode Cc and Cf: NUL,
    /// newlines, tabs, U+202E and the other bidirectional overrides, zero-width characters) let a
    /// name forge lines in logs and reorder what a reader sees.
    /// </summary>
    public static string? RefuseControlCharacters(string field, string? value)
    {
        foreach (var c in value ?? "")
        {
            if (char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.Control or System.Globalization.UnicodeCategory.Format)
            {
                return $"'{field}' must not contain control characters (such as newlines, tabs or U+{(int)c:X4}).";
            }
        }

        return null;
    }
}
