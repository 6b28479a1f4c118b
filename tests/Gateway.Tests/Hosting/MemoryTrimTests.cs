using Gateway.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Hosting;

public class MemoryTrimTests
{
    [Fact]
    public async Task TrimsOnceStartUpHasSettledAndThenEveryQuarterOfAnHour()
    {
        var time = new FakeTimeProvider();
        using var trim = new MemoryTrim(time, NullLogger<MemoryTrim>.Instance);
        var start = time.GetUtcNow();
        await trim.StartAsync(CancellationToken.None);

        await Wait.UntilAsync(() => { if (trim.Trims == 0) time.Advance(TimeSpan.FromSeconds(1)); return trim.Trims == 1; }, "the first trim");
        Assert.True(time.GetUtcNow() - start >= MemoryTrim.FirstAfter, "not before start-up has settled");

        time.Advance(MemoryTrim.Every);
        await Wait.UntilAsync(() => trim.Trims == 2, "the second trim, a quarter of an hour later");
        time.Advance(MemoryTrim.Every);
        await Wait.UntilAsync(() => trim.Trims == 3, "the third trim");
        await trim.StopAsync(CancellationToken.None);
    }
}
