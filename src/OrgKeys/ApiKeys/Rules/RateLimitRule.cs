using System.Text.Json;
using System.Text.RegularExpressions;

namespace OrgKeys.ApiKeys.Rules;

/// <summary>One of a key's named sliding-window rate limits: at most <see cref="Limit"/> requests in any <see cref="WindowSeconds"/>.</summary>
public sealed record RateLimitRule(string Name, int Limit, int WindowSeconds);

/// <summary>A rate limit as a request gives it; every field nullable so a missing one is named.</summary>
public sealed record RateLimitInput(string? Name, long? Limit, long? WindowSeconds);

/// <summary>The rules of <c>rateLimits</c>: up to five per key, limit 1 to 1,000,000, window 1 s to one day, names unique.</summary>
public static partial class RateLimitRules
{
    public const int MaxPerKey = 5;
    public const int MaxLimit = 1_000_000;
    public const int MaxWindowSeconds = 86_400;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The validated limits, or the 400's sentence.</summary>
    public static (RateLimitRule[]? Rules, string? Error) From(IReadOnlyList<RateLimitInput?> inputs)
    {
        if (inputs.Count > MaxPerKey)
        {
            return (null, $"'rateLimits' may hold at most {MaxPerKey} limits.");
        }

        var rules = new RateLimitRule[inputs.Count];
        for (var i = 0; i < inputs.Count; i++)
        {
            var input = inputs[i];
            var error = input switch
            {
                null => $"'rateLimits[{i}]' must be an object {{name, limit, windowSeconds}}.",
                _ when input.Name is null || !NamePattern().IsMatch(input.Name) =>
                    $"'rateLimits[{i}].name' is required: 1 to 64 letters, digits, '-', '_' or '.'.",
                { Limit: null or < 1 or > MaxLimit } => $"'rateLimits[{i}].limit' must be a whole number from 1 to {MaxLimit}.",
                { WindowSeconds: null or < 1 or > MaxWindowSeconds } =>
                    $"'rateLimits[{i}].windowSeconds' must be a whole number of seconds from 1 to {MaxWindowSeconds} (one day).",
                _ when inputs.Take(i).Any(o => o?.Name == input.Name) => $"'rateLimits[{i}].name' repeats '{input.Name}': names must be unique.",
                _ => null,
            };
            if (error is not null)
            {
                return (null, error);
            }

            rules[i] = new RateLimitRule(input!.Name!, (int)input.Limit!.Value, (int)input.WindowSeconds!.Value);
        }

        return (rules, null);
    }

    /// <summary>The column's value: null for no limits.</summary>
    public static string? ToColumn(IReadOnlyList<RateLimitRule>? rules) =>
        rules is null || rules.Count == 0 ? null : JsonSerializer.Serialize(rules, Json);

    public static RateLimitRule[] FromColumn(string? column) =>
        column is null ? [] : JsonSerializer.Deserialize<RateLimitRule[]>(column, Json) ?? [];

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex NamePattern();
}
