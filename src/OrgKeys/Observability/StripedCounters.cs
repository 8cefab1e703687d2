using System.Numerics;

namespace OrgKeys.Observability;

/// <summary>
/// Counters bumped on every request by every thread (credentials checked, cache hits): each
/// processor counts on cache lines of its own, so the two cores of a small machine do not pass
/// one line back and forth on every request. A read sums the stripes; no increment is ever lost.
/// </summary>
public sealed class StripedCounters
{
    /// <summary>128 bytes: processors fetch cache lines in adjacent pairs.</summary>
    private const int LongsPerLine = 16;

    private readonly int _stride;
    private readonly int _stripeMask;
    private readonly long[] _values;

    public StripedCounters(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        Count = count;
        _stride = (count + LongsPerLine - 1) / LongsPerLine * LongsPerLine;
        var stripes = (int)Math.Min(BitOperations.RoundUpToPowerOf2((uint)Environment.ProcessorCount), 64);
        _stripeMask = stripes - 1;
        // One line of padding before the first stripe, so no other object shares its line.
        _values = new long[LongsPerLine + (stripes * _stride)];
    }

    public int Count { get; }

    public void Increment(int counter)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)counter, (uint)Count);
        var stripe = Thread.GetCurrentProcessorId() & _stripeMask;
        Interlocked.Increment(ref _values[LongsPerLine + (stripe * _stride) + counter]);
    }

    public long Read(int counter)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)counter, (uint)Count);
        long sum = 0;
        for (var index = LongsPerLine + counter; index < _values.Length; index += _stride)
        {
            sum += Volatile.Read(ref _values[index]);
        }

        return sum;
    }
}
