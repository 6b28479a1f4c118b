using Gateway.Tests.Support;

namespace Gateway.Tests.Outage;

/// <summary>The power restore's 1 s evaluation runs only while an outage record is open (virtual time).</summary>
public sealed class PowerRestoreTickTests
{
    [Fact]
    public async Task The_restorer_has_no_timer_without_an_outage_ticks_while_one_is_open_and_stops_when_it_is_finished()
    {
        var time = new SignalingTimeProvider(new DateTimeOffset(2026, 11, 30, 3, 0, 0, TimeSpan.Zero));
        using var h = new OutageHarness(OutageHarness.Restore("stable_for: 30s"), time: time);
        await h.Ups("OL", 100);
        await h.Restorer.StartAsync(CancellationToken.None);
        try
        {
            // Mains on, no record: the restorer waits on the recorder, not on a timer.
            Assert.Empty(time.PendingDueTimes);

            await h.Ups("OB", 90);
            await time.WaitForTimerAsync(TimeSpan.FromSeconds(1), "the restorer ticks once an outage record is open");
            time.Advance(TimeSpan.FromSeconds(10));
            await h.Ups("OB", 85); // longer than the on-battery delay: an outage, not a blink
            await h.Ups("OL", 86);
            Assert.NotNull(h.Recorder.Current?.PowerBackAt);

            // Nothing to bring back: the next tick finishes the outage and the timer goes with it.
            time.Advance(TimeSpan.FromSeconds(1));
            await Wait.UntilAsync(() => h.Recorder.Current is null && time.PendingDueTimes.Count == 0, "the outage finished and the restorer's timer gone");

            // The next outage starts the ticking again.
            await h.Ups("OB", 80);
            await time.WaitForTimerAsync(TimeSpan.FromSeconds(1), "the restorer ticks again for the next outage");
        }
        finally
        {
            await h.Restorer.StopAsync(CancellationToken.None);
        }
    }
}
