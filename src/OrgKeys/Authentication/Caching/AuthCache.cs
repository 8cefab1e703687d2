using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OrgKeys.ApiKeys;
using OrgKeys.Authentication.Carriers;
using OrgKeys.Data;
using OrgKeys.Data.Entities;

namespace OrgKeys.Authentication.Caching;

/// <summary>The user facts a session JWT is checked against on every request.</summary>
public sealed record CachedUser(bool Disabled, int SessionVersion)
{
    public static readonly CachedUser Missing = new(Disabled: true, -1);

    /// <summary>A session of this version may still be used: the user exists, is enabled, and has not logged out or changed password since.</summary>
    public bool Allows(int sessionVersion) => !Disabled && SessionVersion == sessionVersion;
}

/// <summary>
/// What the hot path learned from the database: API keys by their HMAC, unknown keys (briefly),
/// users' session state, membership roles, and the verdicts on Bearer tokens by their SHA-256. Bounded, and each entry lives at most
/// <c>OrgKeys:AuthCache:Lifetime</c>; expiry and revocation are judged on every use.
/// <para>
/// Correctness rests on two rules. A change is applied here after it is committed
/// (<see cref="PublishAsync"/>), and reaches other nodes by PostgreSQL NOTIFY. A lookup fills the
/// cache only if no change at all was applied since it started (<see cref="Generation"/>), so a
/// read that raced a revocation can never put the old state back.
/// </para>
/// </summary>
public sealed class AuthCache
{
    public const string Channel = "orgkeys_auth";

    private readonly ILogger<AuthCache> _logger;
    private long _generation;
    private volatile bool _enabled;

    public AuthCache(IOptions<AuthCacheOptions> options, ILogger<AuthCache> logger)
    {
        _logger = logger;
        var (capacity, lifetime) = (options.Value.Capacity, options.Value.Lifetime);
        ApiKeys = new(capacity, lifetime);
        UnknownKeys = new(capacity, lifetime);
        Users = new(capacity, lifetime);
        Memberships = new(capacity, lifetime);
        BearerTokens = new(capacity, lifetime);
    }

    /// <summary>
    /// Raised by <see cref="Apply"/> after this cache applied a change (the generation already moved on),
    /// for caches kept elsewhere that derive from the same facts (the organization view).
    /// </summary>
    public event Action<AuthChange>? Applied;

    internal BoundedCache<CacheKey, CachedApiKey> ApiKeys { get; }
    internal BoundedCache<CacheKey, bool> UnknownKeys { get; }
    internal BoundedCache<int, CachedUser> Users { get; }
    internal BoundedCache<(int OrganizationId, int UserId), OrganizationRole?> Memberships { get; }

    /// <summary>
    /// Accepted Bearer tokens: OpenIddict's verdict with the token and authorization entries it read. A
    /// revocation anywhere (<see cref="AuthChangeKind.OAuth"/>) empties it; a user's session is still checked on use.
    /// </summary>
    internal BoundedCache<CacheKey, CredentialVerdict> BearerTokens { get; }

    /// <summary>
    /// On only while changes made by other nodes are sure to arrive: always on SQLite, and on
    /// PostgreSQL while the LISTEN connection is up. Switching either way empties the cache.
    /// </summary>
    public bool Enabled
    {
        get => _enabled;
        internal set
        {
            if (!value)
            {
                _enabled = false;
            }

            Apply(AuthChange.All);
            _enabled = value;
        }
    }

    public long Generation => Volatile.Read(ref _generation);

    public bool TryGet<TKey, TValue>(BoundedCache<TKey, TValue> store, TKey key, DateTimeOffset now, out TValue value)
        where TKey : notnull
    {
        if (_enabled)
        {
            return store.TryGet(key, now, out value);
        }

        value = default!;
        return false;
    }

    /// <summary>Whether a session of this version is still current, from memory: null when only the database can tell.</summary>
    public bool? IsSessionCurrent(int userId, int sessionVersion, DateTimeOffset now) =>
        TryGet(Users, userId, now, out var user) ? user.Allows(sessionVersion) : null;

    /// <summary>A user's role in an organization (null: not a member), from memory: false when only the database can tell.</summary>
    public bool TryGetRole(int organizationId, int userId, DateTimeOffset now, out OrganizationRole? role) =>
        TryGet(Memberships, (organizationId, userId), now, out role);

    /// <summary>Keeps what a lookup that started at <paramref name="generation"/> found, unless anything changed since.</summary>
    public void Fill<TKey, TValue>(BoundedCache<TKey, TValue> store, TKey key, TValue value, long generation, DateTimeOffset now)
        where TKey : notnull
    {
        if (!_enabled || Generation != generation)
        {
            return;
        }

        store.Set(key, value, now);
        if (Generation != generation)
        {
            // A change was applied between the check and the insert; it may not have seen our entry.
            store.Remove(key);
        }
    }

    /// <summary>Applies a change on this node only (and what arrives from other nodes).</summary>
    public void Apply(AuthChange change)
    {
        Interlocked.Increment(ref _generation);
        var id = change.Id;
        switch (change.Kind)
        {
            case AuthChangeKind.ApiKey:
                ApiKeys.RemoveWhere((_, k) => k.Key.Id == id);
                break;
            case AuthChangeKind.Organization:
                ApiKeys.RemoveWhere((_, k) => k.Key.OrganizationId == id);
                Memberships.RemoveWhere((m, _) => m.OrganizationId == id);
                BearerTokens.Clear(); // a client-credentials token acts as its organization: rare enough to forget them all
                break;
            case AuthChangeKind.Membership:
                Memberships.Remove((id, change.OtherId));
                break;
            case AuthChangeKind.User:
                Users.Remove(id);
                Memberships.RemoveWhere((m, _) => m.UserId == id);
                break;
            case AuthChangeKind.KeyCreated:
                UnknownKeys.Clear();
                break;
            case AuthChangeKind.OAuth:
                BearerTokens.Clear();
                break;
            default:
                ApiKeys.Clear();
                UnknownKeys.Clear();
                Users.Clear();
                Memberships.Clear();
                BearerTokens.Clear();
                break;
        }

        Applied?.Invoke(change);
    }

    /// <summary>
    /// Call after the change is committed: applies it here at once and, on PostgreSQL, tells every
    /// other node. Not cancellable: a client that hangs up must not leave other nodes stale.
    /// </summary>
    public Task PublishAsync(AuthChange change, OrgKeysDbContext db) => PublishManyAsync([change], db);

    /// <summary><see cref="PublishAsync"/> for many changes, announced in one statement.</summary>
    public async Task PublishManyAsync(IReadOnlyCollection<AuthChange> changes, OrgKeysDbContext db)
    {
        if (changes.Count == 0)
        {
            return;
        }

        foreach (var change in changes)
        {
            Apply(change);
        }

        var payloads = changes.Select(c => c.Format()).ToArray();
        if (db.Provider() != DatabaseProvider.Postgres)
        {
            await SqliteChangeLog.AppendAsync(payloads, db); // other processes on the file (the CLI, a server) poll it
            return;
        }

        try
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_notify({Channel}, c) FROM unnest({payloads}) AS c", CancellationToken.None);
        }
        catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException)
        {
            // Committed but not announced: other nodes see it when their entries age out.
            _logger.LogError(e, "Could not announce auth changes {Changes} to other nodes", string.Join(' ', payloads));
        }
    }
}
