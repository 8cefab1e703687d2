using System.Globalization;

namespace OrgKeys.Console;

/// <summary>How the pages write times: UTC, the same for every reader, with a machine-readable twin for <c>&lt;time&gt;</c>.</summary>
public static class Display
{
    public static string When(DateTime utc) => utc.ToString("d MMM yyyy, HH:mm 'UTC'", CultureInfo.InvariantCulture);

    public static string Iso(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string Plural(int count, string one, string many) => count.ToString(CultureInfo.InvariantCulture) + " " + (count == 1 ? one : many);
}
