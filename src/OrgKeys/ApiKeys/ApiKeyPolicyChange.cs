using System.Text.Json;
using OrgKeys.ApiKeys.Rules;
using OrgKeys.Data.Entities;

namespace OrgKeys.ApiKeys;

/// <summary>
/// Body of <c>setOrganizationApiKeyPolicy</c>: the fields given are set, the others kept. The full
/// key policy's fields are cleared by <c>null</c>, so they are bound as <see cref="JsonElement"/>.
/// </summary>
public sealed record SetApiKeyPolicyRequest(string? OnExposure, int? ExpiringNoticeDays)
{
    // Properties, not constructor parameters: the OpenAPI generator cannot write an undefined JsonElement as a default value.
    public JsonElement MaxTtlSeconds { get; init; }

    public JsonElement RequireExpiry { get; init; }

    public JsonElement AllowedRoles { get; init; }

    public JsonElement DefaultRateLimits { get; init; }

    public JsonElement DefaultAllowedIps { get; init; }
}

/// <summary>The key roles a policy may allow, in their canonical order.</summary>
internal static class PolicyRoles
{
    public static readonly string[] Names = ["admin", "member"];
}

/// <summary>A validated change to the full key policy (maxTtlSeconds, requireExpiry, allowedRoles and the defaults).</summary>
public sealed class ApiKeyPolicyChange
{
    private readonly List<Action<ApiKeyPolicy>> _changes = [];

    public bool IsEmpty => _changes.Count == 0;

    public void ApplyTo(ApiKeyPolicy policy) => _changes.ForEach(change => change(policy));

    /// <summary>The change, or the 400's sentence naming the field.</summary>
    public static (ApiKeyPolicyChange? Change, string? Error) From(SetApiKeyPolicyRequest request)
    {
        var change = new ApiKeyPolicyChange();
        var error = change.MaxTtl(request.MaxTtlSeconds) ?? change.RequireExpiry(request.RequireExpiry) ?? change.Roles(request.AllowedRoles)
            ?? change.RateLimits(request.DefaultRateLimits) ?? change.AllowedIps(request.DefaultAllowedIps);
        return error is null ? (change, null) : (null, error);
    }

    private string? MaxTtl(JsonElement element)
    {
        var (ttl, error) = OptionalJson.Read<long?>(element, "maxTtlSeconds");
        if (error is not null || !OptionalJson.IsGiven(element))
        {
            return error;
        }

        if (ttl is < 1 or > NewApiKey.MaxTtlSeconds)
        {
            return $"'maxTtlSeconds' must be a whole number of seconds from 1 to {NewApiKey.MaxTtlSeconds}, or null for no limit.";
        }

        _changes.Add(p => p.MaxTtlSeconds = ttl);
        return null;
    }

    private string? RequireExpiry(JsonElement element)
    {
        var (require, error) = OptionalJson.Read<bool?>(element, "requireExpiry");
        if (error is null && OptionalJson.IsGiven(element))
        {
            _changes.Add(p => p.RequireExpiry = require ?? false);
        }

        return error;
    }

    private string? Roles(JsonElement element)
    {
        var (roles, error) = OptionalJson.Read<string?[]>(element, "allowedRoles");
        if (error is not null || !OptionalJson.IsGiven(element))
        {
            return error;
        }

        if (roles is not null && (roles.Length == 0 || roles.Any(r => !PolicyRoles.Names.Contains(r))))
        {
            return "'allowedRoles' must list one or both of 'admin' and 'member', or be null to allow both.";
        }

        var column = roles is null ? null : string.Join(',', PolicyRoles.Names.Where(roles.Contains));
        _changes.Add(p => p.AllowedRoles = column);
        return null;
    }

    private string? RateLimits(JsonElement element)
    {
        var (inputs, error) = OptionalJson.Read<RateLimitInput?[]>(element, "defaultRateLimits");
        if (error is not null || !OptionalJson.IsGiven(element))
        {
            return error;
        }

        string? column = null;
        if (inputs is not null)
        {
            var (rules, rulesError) = RateLimitRules.From(inputs);
            if (rules is null)
            {
                return rulesError!.Replace("'rateLimits", "'defaultRateLimits", StringComparison.Ordinal);
            }

            column = RateLimitRules.ToColumn(rules);
        }

        _changes.Add(p => p.DefaultRateLimits = column);
        return null;
    }

    private string? AllowedIps(JsonElement element)
    {
        var (inputs, error) = OptionalJson.Read<string?[]>(element, "defaultAllowedIps");
        if (error is not null || !OptionalJson.IsGiven(element))
        {
            return error;
        }

        string? column = null;
        if (inputs is not null)
        {
            var (networks, networksError) = IpAllowlist.From(inputs);
            if (networks is null)
            {
                return networksError!.Replace("'allowedIps", "'defaultAllowedIps", StringComparison.Ordinal);
            }

            column = IpAllowlist.ToColumn(networks);
        }

        _changes.Add(p => p.DefaultAllowedIps = column);
        return null;
    }
}
