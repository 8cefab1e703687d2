using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using OrgKeys.Authentication.Caching;

namespace OrgKeys.Organizations;

/// <summary>
/// Live organizations as <c>getOrganizationInfo</c> shows them, with their members. It follows the
/// auth cache's rules (on only while the auth cache is, filled only if no change was applied since the
/// lookup started) and forgets what each <see cref="AuthChange"/> makes stale. A user change finds the
/// organizations that show the user through an index, rather than by reading every entry.
/// </summary>
public sealed class OrganizationViewCache
{
    private readonly AuthCache _auth;
    private readonly BoundedCache<int, OrganizationDto> _organizations;
    /// <summary>The organizations cached with each user among their members; a stale pair only forgets an entry too many.</summary>
    private readonly ConcurrentDictionary<int, ConcurrentDictionary<int, byte>> _byUser = new();
    private readonly int _capacity;

    public OrganizationViewCache(AuthCache auth, IOptions<AuthCacheOptions> options)
    {
        _auth = auth;
        _capacity = options.Value.Capacity;
        _organizations = new(_capacity, options.Value.Lifetime);
        auth.Applied += Apply;
    }

    /// <summary>Hits and misses since start, for the cache hit ratio metric.</summary>
    public (long Hits, long Misses) Lookups => _organizations.Lookups;

    /// <summary>Read before the lookup whose result is then given to <see cref="Fill"/>.</summary>
    public long Generation => _auth.Generation;

    public bool TryGet(int organizationId, DateTimeOffset now, out OrganizationDto organization) =>
        _auth.TryGet(_organizations, organizationId, now, out organization);

    /// <summary>Keeps what a lookup that started at <paramref name="generation"/> found, unless anything changed since.</summary>
    public void Fill(int organizationId, OrganizationDto organization, long generation, DateTimeOffset now)
    {
        if (_byUser.Count >= _capacity)
        {
            // Forgetting the index means forgetting what it indexes: when unsure, forget more, never less.
            _byUser.Clear();
            _organizations.Clear();
        }

        // Indexed before it is cached, so a user change applied from here on finds it.
        foreach (var user in organization.Users)
        {
            _byUser.GetOrAdd(user.Id, static _ => new ConcurrentDictionary<int, byte>())[organizationId] = 0;
        }

        _auth.Fill(_organizations, organizationId, organization, generation, now);
    }

    private void Apply(AuthChange change)
    {
        switch (change.Kind)
        {
            case AuthChangeKind.Organization or AuthChangeKind.Membership:
                _organizations.Remove(change.Id);
                break;
            case AuthChangeKind.User:
                if (_byUser.TryRemove(change.Id, out var organizations))
                {
                    foreach (var (organizationId, _) in organizations)
                    {
                        _organizations.Remove(organizationId);
                    }
                }

                break;
            case AuthChangeKind.ApiKey or AuthChangeKind.KeyCreated or AuthChangeKind.OAuth:
                break;
            default:
                _byUser.Clear();
                _organizations.Clear();
                break;
        }
    }
}
