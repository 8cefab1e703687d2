using OrgKeys.Observability;

namespace OrgKeys.Tests.Observability;

public class StripedCountersTests
{
    [Fact]
    public async Task ConcurrentIncrements_AreAllCounted_EachOnItsOwnCounter()
    {
        var counters = new StripedCounters(20);
        await Task.WhenAll(Enumerable.Range(0, 8).Select(worker => Task.Run(() =>
        {
            for (var i = 0; i < 100_000; i++)
            {
                counters.Increment(i % 20);
                if (i % 2 == 0)
                {
                    Thread.Yield(); // and move between processors
                }
            }
        })));

        for (var counter = 0; counter < 20; counter++)
        {
            Assert.Equal(8 * 100_000 / 20, counters.Read(counter));
        }
    }

    [Fact]
    public void ACounterOutsideTheSet_IsRefused()
    {
        var counters = new StripedCounters(3);
        Assert.Throws<ArgumentOutOfRangeException>(() => counters.Increment(3));
        Assert.Throws<ArgumentOutOfRangeException>(() => counters.Read(-1));
    }
}
