using Gateway.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Hosting;

public class MemoryTrimTests
{
    [Fact]
    public async Task TrimsOnceStartUpHasSettledThenAtEachInterval()
    {
        var time = new FakeTimeProvider();
        using var trim = new MemoryTrim(time, NullLogger<MemoryTrim>.Instance);
        var start = time.GetUtcNow();
        await trim.StartAsync(CancellationToken.None);

        await Wait.UntilAsync(() => { if (trim.Trims == 0) time.Advance(TimeSpan.FromSeconds(1)); return trim.Trims == 1; }, "the first trim");
        Assert.True(time.GetUtcNow() - start >= MemoryTrim.FirstAfter, "not before start-up has settled");

        time.Advance(MemoryTrim.Every - TimeSpan.FromSeconds(1));
        await Task.Yield();
        Assert.Equal(1, trim.Trims);
        for (var i = 2; i <= 3; i++)
        {
            time.Advance(i == 2 ? TimeSpan.FromSeconds(1) : MemoryTrim.Every);
            await Wait.UntilAsync(() => trim.Trims == i, $"trim {i}");
        }
        await trim.StopAsync(CancellationToken.None);
    }
}
