using System.Diagnostics.Metrics;
using OrgKeys.Authentication.Caching;
using OrgKeys.Authentication.Carriers;
using OrgKeys.Organizations;

namespace OrgKeys.Observability;

/// <summary>Why a credential was accepted or refused, as the <c>reason</c> label of the authentication metric.</summary>
public enum AuthOutcome
{
    Accepted,
    /// <summary>Not even shaped like a credential of its kind (wrong prefix, length or checksum; several headers).</summary>
    Malformed,
    /// <summary>Well-formed, but no such key exists.</summary>
    Unknown,
    Revoked,
    Expired,
    /// <summary>A token whose signature, issuer, audience or algorithm did not check out.</summary>
    Invalid,
    /// <summary>A token of a user who logged out, changed their password, or was disabled or deleted.</summary>
    SessionEnded,
    /// <summary>A kind of credential this server does not accept (OAuth Bearer until issue 4).</summary>
    Unsupported,
}

/// <summary>
/// OrgKeys' own metrics, beside ASP.NET Core's request metrics, exported at <c>/metrics</c>.
/// The hot path only increments plain counters (no tag lookup per request); the meter reads them
/// when Prometheus scrapes.
/// </summary>
public sealed class OrgKeysMetrics : IDisposable
{
    public const string MeterName = "OrgKeys";

    private static readonly AuthOutcome[] Outcomes = Enum.GetValues<AuthOutcome>();
    private static readonly string[] Reasons = Outcomes.Select(o => o switch
    {
        AuthOutcome.SessionEnded => "session_ended",
        _ => o.ToString().ToLowerInvariant(),
    }).ToArray();

    private readonly Meter _meter;
    /// <summary>The <c>scheme</c> labels, by carrier in precedence order, in the contract's words.</summary>
    private readonly string[] _schemes;
    private readonly StripedCounters _authentications;
    private readonly Counter<long> _keysCreated;

    public OrgKeysMetrics(IMeterFactory meters, AuthCache cache, OrganizationViewCache organizations, CredentialCarriers carriers)
    {
        _schemes = new string[carriers.Count];
        for (var i = 0; i < carriers.Count; i++)
        {
            _schemes[i] = carriers[i].MetricLabel;
        }

        _authentications = new(_schemes.Length * Outcomes.Length);
        _meter = meters.Create(MeterName);
        _meter.CreateObservableCounter("orgkeys.authentications", ObserveAuthentications, "{credential}",
            "Credentials checked, by scheme, result (accepted or refused) and reason.");
        _keysCreated = _meter.CreateCounter<long>("orgkeys.api_keys.created", "{key}",
            "API keys created, by origin: an organization's own, or minted by a white label admin.");

        (string Name, Func<(long Hits, long Misses)> Read)[] caches =
        [
            ("api_keys", () => cache.ApiKeys.Lookups),
            ("unknown_keys", () => cache.UnknownKeys.Lookups),
            ("users", () => cache.Users.Lookups),
            ("memberships", () => cache.Memberships.Lookups),
            ("bearer_tokens", () => cache.BearerTokens.Lookups),
            ("organizations", () => organizations.Lookups),
        ];
        _meter.CreateObservableCounter("orgkeys.auth_cache.lookups", () => caches.SelectMany(c =>
        {
            var (hits, misses) = c.Read();
            return new[]
            {
                new Measurement<long>(hits, new("cache", c.Name), new("result", "hit")),
                new Measurement<long>(misses, new("cache", c.Name), new("result", "miss")),
            };
        }), "{lookup}", "Lookups in the in-memory authentication cache, by cache and result.");
        _meter.CreateObservableGauge("orgkeys.auth_cache.hit_ratio", () => caches.Select(c =>
        {
            var (hits, misses) = c.Read();
            return new Measurement<double>(hits + misses == 0 ? 0 : (double)hits / (hits + misses), new KeyValuePair<string, object?>("cache", c.Name));
        }), null, "Hits over lookups since start, by cache.");
    }

    /// <summary>One credential checked, by the carrier at <paramref name="carrier"/> in <see cref="CredentialCarriers"/>.</summary>
    public void Authenticated(int carrier, AuthOutcome outcome) =>
        _authentications.Increment((carrier * Outcomes.Length) + (int)outcome);

    public void KeyCreated(bool byWhiteLabel) =>
        _keysCreated.Add(1, new KeyValuePair<string, object?>("origin", byWhiteLabel ? "whitelabel" : "organization"));

    public void Dispose() => _meter.Dispose();

    private IEnumerable<Measurement<long>> ObserveAuthentications()
    {
        for (var scheme = 0; scheme < _schemes.Length; scheme++)
        {
            for (var outcome = 0; outcome < Outcomes.Length; outcome++)
            {
                var count = _authentications.Read((scheme * Outcomes.Length) + outcome);
                if (count > 0)
                {
                    yield return new(count,
                        new("scheme", _schemes[scheme]),
                        new("result", outcome == (int)AuthOutcome.Accepted ? "accepted" : "refused"),
                        new("reason", Reasons[outcome]));
                }
            }
        }
    }
}
