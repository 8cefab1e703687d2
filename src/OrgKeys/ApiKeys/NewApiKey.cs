using OrgKeys.ApiKeys.Rules;
using OrgKeys.Data.Entities;
using OrgKeys.Infrastructure;
using OrgKeys.Organizations;

namespace OrgKeys.ApiKeys;

/// <summary>A validated request for a key, whoever asked: a user, another key, or a white label admin.</summary>
public sealed record NewApiKey(string Name, OrganizationRole Role, string? CustomKey, TimeSpan? Ttl)
{
    /// <summary>Rate limits, credits and allowlist the request set; the organization's defaults fill what it left out.</summary>
    public KeyRuleSettings Rules { get; init; } = KeyRuleSettings.None;

    /// <summary>Ten years, the longest a key may live.</summary>
    public const long MaxTtlSeconds = 315_576_000;

    /// <summary>Null when a caller holding <paramref name="callerRole"/> may create this key; else the 403's sentence.</summary>
    public string? RefusalFor(OrganizationRole callerRole) =>
        Role > callerRole ? $"A {OrganizationRoles.Name(callerRole)} cannot create a key with the {OrganizationRoles.Name(Role)} role." : null;

    /// <summary>Checks the body of <c>addOrganizationApiKey</c>; the error names the field.</summary>
    public static (NewApiKey? Key, string? Error) From(AddOrganizationApiKeyRequest? request)
    {
        if (request is null)
        {
            return (null, "A JSON request body is required.");
        }

        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 128)
        {
            return (null, "'name' is required and must be 1 to 128 characters.");
        }

        if (ClientText.RefuseControlCharacters("name", name) is { } nameError)
        {
            return (null, nameError);
        }

        OrganizationRole? role = request.Role switch
        {
            "admin" => OrganizationRole.Admin,
            "member" => OrganizationRole.Member,
            _ => null,
        };
        if (role is null)
        {
            return (null, "'role' is required and must be 'admin' or 'member'.");
        }

        if (request.ApiKey is not null && (ApiKeyFormat.ValidateCustom(request.ApiKey) ?? CustomKeyStrength.Refusal(request.ApiKey)) is { } keyError)
        {
            return (null, keyError);
        }

        if (request.Ttl is < 1 or > MaxTtlSeconds)
        {
            return (null, $"'ttl' must be a whole number of seconds from 1 to {MaxTtlSeconds} (ten years).");
        }

        var (rules, rulesError) = KeyRuleSettings.From(request.RateLimits, request.Credits, request.AllowedIps);
        if (rules is null)
        {
            return (null, rulesError);
        }

        var ttl = request.Ttl is { } seconds ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null;
        return (new NewApiKey(name, role.Value, request.ApiKey, ttl) { Rules = rules }, null);
    }
}
