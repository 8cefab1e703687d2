using System.Collections.Concurrent;
using OrgKeys.Observability;

namespace OrgKeys.Authentication.Caching;

/// <summary>
/// A concurrent map that never holds much more than <c>capacity</c> entries, each for at most
/// <c>lifetime</c>. When full it is emptied rather than scanned for a victim: a refill costs one
/// lookup per entry, and a flood of unknown credentials can never make the hot path slower.
/// </summary>
public sealed class BoundedCache<TKey, TValue>(int capacity, TimeSpan lifetime)
    where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, Entry> _entries = new();
    private const int Hits = 0;
    private const int Misses = 1;

    private readonly StripedCounters _lookups = new(2);
    private int _count;

    public int Capacity { get; } = capacity;

    public int Count => _entries.Count;

    /// <summary>Hits and misses since start, for the cache hit ratio metric.</summary>
    public (long Hits, long Misses) Lookups => (_lookups.Read(Hits), _lookups.Read(Misses));

    public bool TryGet(TKey key, DateTimeOffset now, out TValue value)
    {
        if (_entries.TryGetValue(key, out var entry))
        {
            if (now < entry.Until)
            {
                _lookups.Increment(Hits);
                value = entry.Value;
                return true;
            }

            Remove(key);
        }

        _lookups.Increment(Misses);
        value = default!;
        return false;
    }

    public void Set(TKey key, TValue value, DateTimeOffset now)
    {
        if (Volatile.Read(ref _count) >= Capacity)
        {
            Clear();
        }

        var entry = new Entry(value, now + lifetime);
        while (true)
        {
            if (_entries.TryAdd(key, entry))
            {
                Interlocked.Increment(ref _count);
                return;
            }

            if (_entries.TryGetValue(key, out var old) && _entries.TryUpdate(key, entry, old))
            {
                return;
            }
        }
    }

    public void Remove(TKey key)
    {
        if (_entries.TryRemove(key, out _))
        {
            Interlocked.Decrement(ref _count);
        }
    }

    public void RemoveWhere(Func<TKey, TValue, bool> predicate)
    {
        foreach (var (key, entry) in _entries)
        {
            if (predicate(key, entry.Value))
            {
                Remove(key);
            }
        }
    }

    public void Clear()
    {
        // Count first: a concurrent add then over-counts (an early clear), never under-counts.
        Interlocked.Exchange(ref _count, 0);
        _entries.Clear();
    }

    private sealed record Entry(TValue Value, DateTimeOffset Until);
}
