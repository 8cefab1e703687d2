using OrgKeys.ApiKeys.Rules;
using OrgKeys.Data.Entities;
using OrgKeys.Infrastructure;

namespace OrgKeys.ApiKeys;

/// <summary>A validated <see cref="UpdateApiKeyRequest"/>: the changes to make to the key, in order.</summary>
public sealed class KeyUpdate
{
    private readonly List<Action<ApiKey, DateTime>> _changes = [];
    private readonly List<string> _fields = [];

    /// <summary>The fields changed, for the audit entry.</summary>
    public string Fields => string.Join(", ", _fields);

    public void ApplyTo(ApiKey key, DateTime now) => _changes.ForEach(change => change(key, now));

    private void Add(string field, Action<ApiKey, DateTime> change)
    {
        _fields.Add(field);
        _changes.Add(change);
    }

    /// <summary>The update, or the 400's sentence naming the field.</summary>
    public static (KeyUpdate? Update, string? Error) From(UpdateApiKeyRequest? request)
    {
        if (request is null)
        {
            return (null, "A JSON request body is required.");
        }

        var update = new KeyUpdate();
        var error = update.Name(request) ?? update.RateLimits(request) ?? update.Credits(request) ?? update.AllowedIps(request);
        return (error, update._changes.Count) switch
        {
            (not null, _) => (null, error),
            (_, 0) => (null, "Give at least one of 'name', 'rateLimits', 'credits' or 'allowedIps'."),
            _ => (update, null),
        };
    }

    private string? Name(UpdateApiKeyRequest request)
    {
        if (!OptionalJson.IsGiven(request.Name))
        {
            return null;
        }

        var (name, error) = OptionalJson.Read<string>(request.Name, "name");
        name = name?.Trim();
        if (error is not null || string.IsNullOrEmpty(name) || name.Length > 128)
        {
            return error ?? "'name' must be 1 to 128 characters; it cannot be cleared.";
        }

        if (ClientText.RefuseControlCharacters("name", name) is { } textError)
        {
            return textError;
        }

        Add("name", (key, _) => key.Name = name);
        return null;
    }

    private string? RateLimits(UpdateApiKeyRequest request)
    {
        var (inputs, error) = OptionalJson.Read<RateLimitInput?[]>(request.RateLimits, "rateLimits");
        if (error is not null || !OptionalJson.IsGiven(request.RateLimits))
        {
            return error;
        }

        var (settings, rulesError) = KeyRuleSettings.From(inputs, null, null);
        if (settings is null)
        {
            return rulesError;
        }

        Add("rateLimits", (key, _) => key.RateLimits = RateLimitRules.ToColumn(settings.RateLimits));
        return null;
    }

    private string? Credits(UpdateApiKeyRequest request)
    {
        var (input, error) = OptionalJson.Read<CreditsInput>(request.Credits, "credits");
        if (error is not null || !OptionalJson.IsGiven(request.Credits))
        {
            return error;
        }

        var (settings, rulesError) = KeyRuleSettings.From(null, input, null);
        if (settings is null)
        {
            return rulesError;
        }

        Add("credits", (key, now) => KeyRuleSettings.SetCredits(key, settings.Credits, now));
        return null;
    }

    private string? AllowedIps(UpdateApiKeyRequest request)
    {
        var (inputs, error) = OptionalJson.Read<string?[]>(request.AllowedIps, "allowedIps");
        if (error is not null || !OptionalJson.IsGiven(request.AllowedIps))
        {
            return error;
        }

        var (settings, rulesError) = KeyRuleSettings.From(null, null, inputs);
        if (settings is null)
        {
            return rulesError;
        }

        Add("allowedIps", (key, _) => key.AllowedIps = IpAllowlist.ToColumn(settings.AllowedIps));
        return null;
    }
}
