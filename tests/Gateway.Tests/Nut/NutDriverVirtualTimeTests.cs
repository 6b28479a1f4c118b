using Gateway.Drivers.Nut;
using Gateway.Drivers.Readings;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Tests.Nut;

/// <summary>The driver's reconnect backoff runs on the injected clock.</summary>
public sealed class NutDriverVirtualTimeTests
{
    [Fact]
    public async Task Reconnect_attempts_follow_the_backoff_in_virtual_time()
    {
        var time = new SignalingTimeProvider();
        var port = FreePort.Next();   // nothing listens: every attempt is refused at once
        var driver = new NutDeviceDriver(new NutDriverSettings("x", "127.0.0.1", port, "ups", null, null, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2)),
            time, NullLogger.Instance);
        var sink = new RecordingSink();
        using var cts = new CancellationTokenSource();
        var run = driver.RunAsync(sink, cts.Token);

        await Wait.UntilAsync(() => sink.Reports.Count == 1, "the first (refused) attempt");
        Assert.Equal(LinkState.Lost, sink.Current);
        // Advance only once the driver waits for its backoff (1 s); just before it is due nothing happens.
        await time.WaitForTimerAsync(TimeSpan.FromSeconds(1), "the driver waiting 1 s before the second attempt");
        time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Single(sink.Reports);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await Wait.UntilAsync(() => sink.Reports.Count == 2, "the second attempt after 1 s");

        await time.WaitForTimerAsync(TimeSpan.FromSeconds(2), "the driver waiting 2 s (doubled) before the third attempt");
        time.Advance(TimeSpan.FromMilliseconds(1999));
        Assert.Equal(2, sink.Reports.Count);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await Wait.UntilAsync(() => sink.Reports.Count == 3, "the third attempt after 2 s more");

        cts.Cancel();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
