using Gateway.Drivers.Nut;
using Gateway.Drivers.Readings;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Nut;

/// <summary>The driver's reconnect backoff runs on the injected clock.</summary>
public sealed class NutDriverVirtualTimeTests
{
    [Fact]
    public async Task Reconnect_attempts_follow_the_backoff_in_virtual_time()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));
        var port = NutProcess.FreePort();
        var driver = new NutDeviceDriver(new NutDriverSettings("x", "127.0.0.1", port, "ups", null, null, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2)),
            time, NullLogger.Instance);
        var sink = new RecordingSink();
        using var cts = new CancellationTokenSource();
        var run = driver.RunAsync(sink, cts.Token);

        await NutProcess.WaitUntilAsync(() => sink.Reports.Count == 1, "the first (refused) attempt");
        Assert.Equal(LinkState.Lost, sink.Current);
        time.Advance(TimeSpan.FromMilliseconds(900));
        await Task.Delay(200);
        Assert.Single(sink.Reports);
        time.Advance(TimeSpan.FromMilliseconds(100));
        await NutProcess.WaitUntilAsync(() => sink.Reports.Count == 2, "the second attempt after 1 s");
        time.Advance(TimeSpan.FromSeconds(1.9));
        await Task.Delay(200);
        Assert.Equal(2, sink.Reports.Count);
        time.Advance(TimeSpan.FromMilliseconds(100));
        await NutProcess.WaitUntilAsync(() => sink.Reports.Count == 3, "the third attempt after 2 s more");

        cts.Cancel();
        await run.WaitAsync(TimeSpan.FromSeconds(5));
    }
}
