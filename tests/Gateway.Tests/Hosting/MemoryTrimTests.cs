using Gateway.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Hosting;

public class MemoryTrimTests
{
    [Fact]
    public async Task TrimsOnceStartUpHasSettledThenEveryMinuteWithAFullCollectionEveryFifteenth()
    {
        var time = new FakeTimeProvider();
        using var trim = new MemoryTrim(time, NullLogger<MemoryTrim>.Instance);
        var start = time.GetUtcNow();
        await trim.StartAsync(CancellationToken.None);

        await Wait.UntilAsync(() => { if (trim.Trims == 0) time.Advance(TimeSpan.FromSeconds(1)); return trim.Trims == 1; }, "the first trim");
        Assert.True(time.GetUtcNow() - start >= MemoryTrim.FirstAfter, "not before start-up has settled");
        Assert.Equal(1, trim.Collections);

        for (var i = 2; i <= MemoryTrim.CollectEvery + 1; i++)
        {
            time.Advance(MemoryTrim.Every);
            await Wait.UntilAsync(() => trim.Trims == i, $"trim {i}");
            Assert.Equal(i <= MemoryTrim.CollectEvery ? 1 : 2, trim.Collections);
        }
        await trim.StopAsync(CancellationToken.None);
    }
}
