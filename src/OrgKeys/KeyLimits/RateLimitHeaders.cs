using System.Globalization;
using System.Text;

namespace OrgKeys.KeyLimits;

/// <summary>
/// The IETF RateLimit header fields (draft-ietf-httpapi-ratelimit-headers-10): <c>RateLimit-Policy</c>
/// lists each named limit with its quota <c>q</c> and window <c>w</c> in seconds; <c>RateLimit</c> names
/// the limit closest to running out, with what <c>r</c> remains and the seconds <c>t</c> until its window ends.
/// </summary>
public static class RateLimitHeaders
{
    public const string Policy = "RateLimit-Policy";
    public const string Current = "RateLimit";

    /// <summary><c>"per-second";q=10;w=1, "daily";q=1000;w=86400</c>: made once per key's rules.</summary>
    internal static string PolicyOf(IReadOnlyList<SlidingWindow> windows, IReadOnlyList<string> names)
    {
        var text = new StringBuilder();
        for (var i = 0; i < windows.Count; i++)
        {
            text.Append(i == 0 ? "" : ", ").Append('"').Append(names[i]).Append('"')
                .Append(CultureInfo.InvariantCulture, $";q={windows[i].Limit};w={windows[i].WindowSeconds}");
        }

        return text.ToString();
    }

    internal static string CurrentOf(string name, long remaining, long reset) =>
        string.Create(CultureInfo.InvariantCulture, $"\"{name}\";r={remaining};t={reset}");
}
