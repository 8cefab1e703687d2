using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using OrgKeys.ApiKeys;
using OrgKeys.Authorization;

namespace OrgKeys.Console.Pages.Organizations.Keys;

public sealed record ExpiryChoice(string Value, string Label, long? Seconds);

public sealed record CreatedKey(int Id, string Name, string Secret);

/// <summary>
/// <c>/organizations/{organizationId}/keys/new</c>: the form, and the new key shown once in the answer to
/// its POST (never a redirect, never TempData), through the same checks and service as <c>addOrganizationApiKey</c>.
/// </summary>
public sealed class NewKeyModel(ApiKeyService keys, TimeProvider time) : OrganizationPage
{
    public static readonly IReadOnlyList<ExpiryChoice> Expiries =
    [
        new("1h", "1 hour", 3600), new("1d", "1 day", 86_400), new("30d", "30 days", 30 * 86_400L), new("90d", "90 days", 90 * 86_400L),
        new("365d", "365 days", 365 * 86_400L), new("custom", "On a date (at 00:00 UTC)", null), new("never", "Never", null),
    ];

    [BindProperty]
    public string? Name { get; set; }

    [BindProperty]
    public string? Role { get; set; } = "member";

    [BindProperty]
    public string? Expiry { get; set; } = "30d";

    /// <summary>The custom date, <c>yyyy-MM-dd</c> as a date input sends it.</summary>
    [BindProperty]
    public string? ExpiresOn { get; set; }

    [BindProperty]
    public string? CustomKey { get; set; }

    public List<FormError> Errors { get; } = [];

    public CreatedKey? Created { get; private set; }

    public string? ErrorFor(string field) => Errors.Find(e => e.Field == field)?.Message;

    public async Task<IActionResult> OnGetAsync() => await AuthorizeAsync(Policies.OrganizationMember) ?? Page();

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (await AuthorizeAsync(Policies.OrganizationMember) is { } refused)
        {
            return refused;
        }

        if (string.IsNullOrWhiteSpace(Name))
        {
            Errors.Add(new("name", "Enter a name for the key."));
        }

        var ttl = Ttl();
        if (Errors.Count > 0)
        {
            return Refused(StatusCodes.Status400BadRequest);
        }

        var (newKey, error) = NewApiKey.From(new AddOrganizationApiKeyRequest(Name, string.IsNullOrEmpty(CustomKey) ? null : CustomKey, Role, ttl));
        if (newKey is null)
        {
            Errors.Add(new(FieldOf(error!), error!));
            return Refused(StatusCodes.Status400BadRequest);
        }

        if (newKey.RefusalFor(Access.Role) is { } refusal)
        {
            Errors.Add(new("role", refusal));
            return Refused(StatusCodes.Status403Forbidden);
        }

        var created = await keys.CreateAsync(OrganizationId, newKey, Access.Actor, cancellationToken);
        var (outcome, id, secret) = created;
        if (outcome != CreateKeyOutcome.Created)
        {
            // A policy refusal names its rule, as the API's 400 does.
            Errors.Add(outcome switch
            {
                CreateKeyOutcome.Conflict => new("custom-key", ApiKeyResults.InUse),
                CreateKeyOutcome.PolicyViolation => new(null, created.Error ?? "The organization's key policy refuses this key."),
                _ => new(null, ApiKeyResults.ChainRevoked),
            });
            return Refused(outcome == CreateKeyOutcome.PolicyViolation ? StatusCodes.Status400BadRequest : StatusCodes.Status409Conflict);
        }

        // The only time the secret leaves the server: never cached, never sent again.
        Response.Headers.CacheControl = ConsoleSetup.SecretCacheControl;
        Created = new CreatedKey(id, newKey.Name, secret);
        CustomKey = null;
        return Page();
    }

    /// <summary>The chosen expiry in seconds from now (null: never); adds an error when the choice is not valid.</summary>
    private long? Ttl()
    {
        if (Expiries.FirstOrDefault(e => e.Value == Expiry) is not { } choice)
        {
            Errors.Add(new("expiry-30d", "Choose when the key expires."));
            return null;
        }

        if (choice.Value != "custom")
        {
            return choice.Seconds;
        }

        if (!DateOnly.TryParseExact(ExpiresOn, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            Errors.Add(new("expires-on", "Enter the date the key expires on."));
            return null;
        }

        var seconds = (long)(date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc) - time.GetUtcNow().UtcDateTime).TotalSeconds;
        if (seconds < 1)
        {
            Errors.Add(new("expires-on", "Choose a date after today."));
        }

        return seconds;
    }

    /// <summary>The form field an <see cref="NewApiKey.From"/> message is about; the custom key's checks name no field.</summary>
    private static string FieldOf(string error) =>
        error.StartsWith("'name'", StringComparison.Ordinal) ? "name"
        : error.StartsWith("'role'", StringComparison.Ordinal) ? "role-member"
        : error.StartsWith("'ttl'", StringComparison.Ordinal) ? "expires-on"
        : "custom-key";

    private PageResult Refused(int status)
    {
        Response.StatusCode = status;
        return Page();
    }
}
