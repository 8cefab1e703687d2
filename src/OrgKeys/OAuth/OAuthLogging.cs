using Microsoft.Extensions.Logging;

namespace OrgKeys.OAuth;

/// <summary>
/// OpenIddict's dispatchers write whole tokens (access, refresh, ID tokens and codes) into their Trace
/// entries ("A new … JSON Web Token was successfully created: eyJ…", "The token '…' was successfully
/// validated"). A secret is never logged, whatever level an operator turns on while debugging, so the
/// OpenIddict categories stop at Debug for every logging provider.
/// </summary>
internal static class OAuthLogging
{
    private const string Category = "OpenIddict";

    public static IServiceCollection CapOpenIddictLogging(this IServiceCollection services) =>
        services.PostConfigure<LoggerFilterOptions>(Cap);

    /// <summary>
    /// A rule for "OpenIddict" is more specific than any broader one (the default, "Microsoft", a wildcard), for
    /// each provider named in the rules and for none; a rule an operator wrote for an OpenIddict category is raised.
    /// </summary>
    internal static void Cap(LoggerFilterOptions options)
    {
        var providers = options.Rules.Select(r => r.ProviderName).Append(null).Distinct().ToList();
        for (var i = 0; i < options.Rules.Count; i++)
        {
            var rule = options.Rules[i];
            if (rule.CategoryName?.StartsWith(Category, StringComparison.OrdinalIgnoreCase) == true
                && (rule.LogLevel is null or < LogLevel.Debug || rule.Filter is not null))
            {
                options.Rules[i] = new LoggerFilterRule(rule.ProviderName, rule.CategoryName, Max(rule.LogLevel), null);
            }
        }

        foreach (var provider in providers)
        {
            var own = options.Rules.Any(r => r.ProviderName == provider && string.Equals(r.CategoryName, Category, StringComparison.OrdinalIgnoreCase));
            if (!own)
            {
                options.Rules.Add(new LoggerFilterRule(provider, Category, LogLevel.Debug, null));
            }
        }
    }

    private static LogLevel Max(LogLevel? level) => level is { } l && l > LogLevel.Debug ? l : LogLevel.Debug;
}
