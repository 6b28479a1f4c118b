using Gateway.Configuration;
using Gateway.Policy;

namespace Gateway.Tests.Policy;

/// <summary>Scenario traces replayed in virtual time: each asserts which trigger fires (or none) and when.</summary>
public sealed class PolicyScenarioTests
{
    private static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);
    private static UpsSample OL(double charge = 100, double? runtime = 1800) => new("OL CHRG", charge, runtime);
    private static UpsSample OB(double charge = 100, double? runtime = 1800) => new("OB DISCHRG", charge, runtime);

    private static void AssertFired(PolicyHarness h, string trigger, double atSeconds, bool stillPending = true)
    {
        Assert.True(h.Fired is not null, $"expected {trigger} at {atSeconds}s, nothing fired; messages: {string.Join(" / ", h.Messages)}");
        Assert.Equal(trigger, h.Fired!.Value.Trigger.Name);
        Assert.Equal(S(atSeconds), h.Fired.Value.At);
        Assert.Equal(1, h.StartCount);
        if (stillPending) Assert.Equal(PolicyState.ShutdownPending, h.Policy.State);
    }

    private static void AssertNothingFired(PolicyHarness h)
    {
        Assert.True(h.Fired is null, $"unexpected trigger {h.Fired?.Trigger.Name} at {h.Fired?.At}: {h.Fired?.Trigger.Reason}");
    }

    [Fact]
    public void On_line_power_for_ten_minutes_nothing_happens()
    {
        var h = new PolicyHarness();
        h.Run(S(600), _ => OL());
        AssertNothingFired(h);
        Assert.Equal(PolicyState.Normal, h.Policy.State);
    }

    [Fact]
    public void A_blip_shorter_than_on_battery_delay_is_not_an_outage()
    {
        var h = new PolicyHarness();
        h.Run(S(60), t => t >= S(20) && t < S(24) ? OB(runtime: 100) : OL());
        AssertNothingFired(h);
        Assert.DoesNotContain(h.Decisions, d => d.Decision.Status.State != PolicyState.Normal);
        Assert.Contains(h.Messages, m => m.Contains("a blip"));
    }

    [Fact]
    public void A_blip_with_LB_from_an_eaton_style_ups_does_not_shut_down()
    {
        var h = new PolicyHarness();
        h.Run(S(60), t => t >= S(10) && t < S(14) ? new UpsSample("OB DISCHRG LB", 95, 1500) : OL());
        AssertNothingFired(h);
    }

    [Fact]
    public void Power_flapping_every_few_seconds_never_confirms_an_outage()
    {
        var h = new PolicyHarness();
        h.Run(S(120), t => ((int)t.TotalSeconds / 4) % 2 == 0 ? OB(runtime: 60) : OL());
        AssertNothingFired(h);
        Assert.Equal(PolicyState.Normal, h.Policy.State);
    }

    [Fact]
    public void On_battery_is_confirmed_after_the_delay_and_nothing_fires_with_a_healthy_battery()
    {
        var h = new PolicyHarness();
        h.Run(S(120), _ => OB(charge: 100, runtime: 3600));
        AssertNothingFired(h);
        Assert.Equal(PolicyState.OnBattery, h.Policy.State);
        // Readings every 2 s: the one at 6 s is the first that spans on_battery_delay (5 s) of OB readings.
        var confirmed = h.Decisions.First(d => d.Decision.Status.State == PolicyState.OnBattery);
        Assert.Equal(S(6), confirmed.At);
        Assert.Equal(PolicyHarness.Epoch, h.Policy.Status.OnBatterySince);
    }

    [Fact]
    public void Low_charge_on_battery_fires_when_it_crosses_the_threshold()
    {
        var h = new PolicyHarness();
        h.Run(S(600), t => OB(charge: 25 - t.TotalMinutes, runtime: null));
        // Below 20 % from 302 s; the median of three passes it at 304 s; three readings in a row: 308 s.
        AssertFired(h, "low_battery", 308);
        Assert.Contains("below 20%", h.Fired!.Value.Trigger.Reason);
    }

    [Fact]
    public void Low_charge_on_line_power_is_not_a_trigger()
    {
        var h = new PolicyHarness();
        h.Run(S(300), _ => OL(charge: 5, runtime: 60));
        AssertNothingFired(h);
    }

    [Fact]
    public void Low_battery_percent_is_configurable()
    {
        var h = new PolicyHarness(new PolicyOptions { LowBatteryPercent = 50 });
        h.Run(S(120), t => OB(charge: 60 - t.TotalSeconds / 6, runtime: null));
        AssertFired(h, "low_battery", 68);
    }

    [Fact]
    public void Runtime_below_critical_fires()
    {
        var h = new PolicyHarness();
        h.Run(S(600), t => OB(charge: 90, runtime: 900 - t.TotalSeconds));
        // Below 10 min from 302 s; three readings in a row: 306 s.
        AssertFired(h, "runtime", 306);
    }

    [Fact]
    public void Runtime_already_short_fires_as_soon_as_the_outage_is_confirmed()
    {
        var h = new PolicyHarness();
        h.Run(S(30), _ => OB(charge: 90, runtime: 300));
        AssertFired(h, "runtime", 6);
    }

    [Fact]
    public void Steep_depletion_fires_after_grace_once_the_rate_has_thirty_seconds_of_samples()
    {
        var h = new PolicyHarness();
        h.Run(S(400), t => OB(charge: 100 - 20 * t.TotalMinutes, runtime: null));
        AssertFired(h, "depletion_rate", 124);
        Assert.Contains("20%/min", h.Fired!.Value.Trigger.Reason);
    }

    [Fact]
    public void A_steep_sag_during_grace_is_ignored()
    {
        var h = new PolicyHarness();
        // 30 %/min for the first minute (voltage sag), then flat.
        h.Run(S(400), t => OB(charge: t < S(60) ? 100 - 30 * t.TotalMinutes : 70, runtime: null));
        AssertNothingFired(h);
    }

    [Fact]
    public void Depletion_grace_is_configurable()
    {
        var h = new PolicyHarness(new PolicyOptions { DepletionGrace = TimeSpan.Zero });
        h.Run(S(200), t => OB(charge: 100 - 20 * t.TotalMinutes, runtime: null));
        AssertFired(h, "depletion_rate", 34);
    }

    [Fact]
    public void A_slow_depletion_does_not_fire_the_rate_trigger_but_low_charge_later()
    {
        var h = new PolicyHarness();
        h.Run(S(900), t => OB(charge: 100 - 10 * t.TotalMinutes, runtime: null));
        AssertFired(h, "low_battery", 488);
    }

    [Fact]
    public void Max_time_on_battery_fires_at_the_limit_when_enabled()
    {
        var h = new PolicyHarness(new PolicyOptions { MaxTimeOnBattery = TimeSpan.FromMinutes(15) });
        h.Run(S(1200), _ => OB(charge: 100, runtime: 7200));
        AssertFired(h, "max_time_on_battery", 900);
    }

    [Fact]
    public void Max_time_on_battery_is_15_minutes_by_default_and_zero_turns_it_off()
    {
        var h = new PolicyHarness();
        h.Run(S(1200), _ => OB(charge: 100, runtime: 7200));
        AssertFired(h, "max_time_on_battery", 900);
        var off = new PolicyHarness(new PolicyOptions { MaxTimeOnBattery = TimeSpan.Zero });
        off.Run(S(1800), _ => OB(charge: 100, runtime: 7200));
        AssertNothingFired(off);
    }

    [Fact]
    public void Link_lost_on_battery_fires_the_failsafe_after_link_lost_after()
    {
        var h = new PolicyHarness();
        h.Run(S(200), t => t <= S(20) ? OB(charge: 90, runtime: 3000) : null);
        // Last data at 20 s; link_lost_after 90 s (well above 3 polls of 2 s): due at 110 s, a poll instant
        // without data where the harness does not tick, so the tick at 111 s fires it.
        AssertFired(h, "link_lost", 111);
    }

    [Fact]
    public void Stale_tolerance_is_counted_in_polls_of_the_device()
    {
        var h = new PolicyHarness(new PolicyOptions { StaleTolerance = 5, LinkLostAfter = S(10) }, poll: TimeSpan.FromSeconds(5));
        h.Run(S(120), t => t <= S(30) ? OB(charge: 90, runtime: 3000) : null);
        // 5 polls of 5 s = 25 s, above link_lost_after (10 s): last data at 30 s, due at 55 s (a poll instant), fires at the 56 s tick.
        AssertFired(h, "link_lost", 56);
    }

    [Fact]
    public void Link_lost_on_line_power_is_not_a_trigger()
    {
        var h = new PolicyHarness();
        h.Run(S(600), t => t <= S(20) ? OL() : null);
        AssertNothingFired(h);
    }

    [Fact]
    public void A_link_gap_within_tolerance_on_battery_is_ridden_out()
    {
        var h = new PolicyHarness();
        h.Run(S(120), t => t > S(20) && t < S(26) ? null : OB(charge: 90, runtime: 3000));
        AssertNothingFired(h);
    }

    [Fact]
    public void A_usb_link_that_drops_with_the_power_and_returns_in_time_does_not_shut_down()
    {
        var h = new PolicyHarness();
        h.Run(S(60), t => t < S(10) ? OL() : t < S(12) ? OB(runtime: 3000) : t < S(16) ? null : OB(runtime: 3000));
        AssertNothingFired(h);
        Assert.Equal(PolicyState.OnBattery, h.Policy.State);
    }

    [Fact]
    public void Fsd_fires_at_once_even_on_line_power()
    {
        var h = new PolicyHarness();
        h.Run(S(30), t => t >= S(10) ? new UpsSample("FSD OL", 100, 1800) : OL());
        // Three readings in a row: 10, 12, 14 s.
        AssertFired(h, "fsd", 14);
    }

    [Fact]
    public void Fsd_on_battery_fires_without_waiting_for_the_delay()
    {
        var h = new PolicyHarness();
        h.Run(S(30), t => t >= S(4) ? new UpsSample("FSD OB DISCHRG", 100, 1800) : OL());
        AssertFired(h, "fsd", 8);
    }

    [Fact]
    public void Ups_low_battery_on_battery_fires_after_the_delay()
    {
        var h = new PolicyHarness();
        h.Run(S(30), _ => new UpsSample("OB DISCHRG LB", 60, 1500));
        AssertFired(h, "ups_low_battery", 6);
    }

    [Fact]
    public void LB_on_line_power_is_not_a_trigger()
    {
        var h = new PolicyHarness();
        h.Run(S(600), _ => new UpsSample("OL CHRG LB", 15, 200));
        AssertNothingFired(h);
        Assert.Equal(PolicyState.Normal, h.Policy.State);
    }

    [Fact]
    public void A_self_test_is_not_a_power_failure()
    {
        var h = new PolicyHarness();
        h.Run(S(180), t => t >= S(10) && t < S(100) ? new UpsSample("OB DISCHRG CAL", 100 - 30 * (t - S(10)).TotalMinutes, 200) : OL());
        AssertNothingFired(h);
        Assert.DoesNotContain(h.Decisions, d => d.Decision.Status.State != PolicyState.Normal);
    }

    [Fact]
    public void A_self_test_never_hides_low_battery_on_battery()
    {
        var h = new PolicyHarness();
        h.Run(S(120), _ => new UpsSample("OB LB CAL", 15, 100));
        AssertFired(h, "low_battery", 6);
    }

    [Fact]
    public void First_matching_trigger_wins_and_fires_only_once()
    {
        var h = new PolicyHarness();
        h.Run(S(60), _ => new UpsSample("OB DISCHRG LB", 10, 60));
        AssertFired(h, "low_battery", 6);
    }

    [Fact]
    public void Power_back_before_the_point_of_no_return_cancels()
    {
        var h = new PolicyHarness();
        h.Run(S(30), t => t < S(20) ? OB(charge: 80, runtime: 300) : OL(charge: 80));
        AssertFired(h, "runtime", 6, stillPending: false);
        // OL at 20, 22, 24 s: power_back_readings (3) in a row.
        Assert.Equal(S(24), h.CancelledAt);
        Assert.Equal(PolicyState.Normal, h.Policy.State);
        Assert.Contains(h.Messages, m => m.Contains("cancelled"));
    }

    [Fact]
    public void Power_back_after_the_point_of_no_return_does_not_cancel()
    {
        var h = new PolicyHarness();
        h.Run(S(10), _ => OB(charge: 80, runtime: 300));
        Assert.NotNull(h.Fired);
        h.Policy.MarkPointOfNoReturn(h.Wall);
        h.Run(S(30), _ => OL(charge: 80));
        Assert.Null(h.CancelledAt);
        Assert.Equal(PolicyState.ShuttingDown, h.Policy.State);
        Assert.Single(h.Messages, m => m.Contains("after the point of no return"));
    }

    [Fact]
    public void After_a_dry_run_sequence_finished_power_back_returns_to_normal_without_a_cancel()
    {
        var h = new PolicyHarness(dryRun: true);
        h.Run(S(10), _ => OB(charge: 80, runtime: 300));
        h.Policy.MarkPointOfNoReturn(h.Wall);
        h.Policy.MarkSequenceFinished();
        h.Run(S(20), _ => OB(charge: 80, runtime: 300));
        Assert.Equal(1, h.StartCount);
        h.Run(S(10), _ => OL(charge: 80));
        Assert.Null(h.CancelledAt);
        Assert.Equal(PolicyState.Normal, h.Policy.State);
        Assert.True(h.Policy.Status.DryRun);
    }

    [Fact]
    public void Stale_link_then_power_back_before_the_point_of_no_return_cancels()
    {
        var h = new PolicyHarness(new PolicyOptions { LinkLostAfter = S(10) });
        h.Run(S(60), t => t <= S(20) ? OB(charge: 90, runtime: 3000) : t < S(40) ? null : OL());
        AssertFired(h, "link_lost", 31, stillPending: false);
        Assert.Equal(S(44), h.CancelledAt);
    }

    [Fact]
    public void Fsd_shutdown_is_not_cancelled_while_fsd_is_still_set_on_line_power()
    {
        var h = new PolicyHarness();
        h.Run(S(30), _ => new UpsSample("FSD OL", 100, 1800));
        AssertFired(h, "fsd", 4);
        Assert.Null(h.CancelledAt);
    }

    [Fact]
    public void A_wall_clock_jump_forward_does_not_fire_max_time_on_battery()
    {
        var h = new PolicyHarness(new PolicyOptions { MaxTimeOnBattery = TimeSpan.FromMinutes(15) });
        h.Run(S(60), _ => OB(charge: 100, runtime: 7200));
        h.WallOffset = TimeSpan.FromHours(3); // NTP sets the clock of a Pi without RTC
        h.Run(S(600), _ => OB(charge: 100, runtime: 7200));
        AssertNothingFired(h);
        h.Run(S(600), _ => OB(charge: 100, runtime: 7200));
        AssertFired(h, "max_time_on_battery", 900);
        Assert.Equal(PolicyHarness.Epoch, h.Policy.Status.OnBatterySince);
    }

    [Fact]
    public void A_wall_clock_jump_backward_does_not_disturb_the_depletion_rate()
    {
        var h = new PolicyHarness();
        h.Run(S(100), t => OB(charge: 100 - 20 * t.TotalMinutes, runtime: null));
        h.WallOffset = -TimeSpan.FromDays(1);
        h.Run(S(300), t => OB(charge: 100 - 20 * (t + S(101)).TotalMinutes, runtime: null));
        // Polls now fall on odd seconds (101, 103 …): the first with 30 s of post-grace samples is 121 s, the third in a row 125 s.
        AssertFired(h, "depletion_rate", 125);
    }

    [Fact]
    public void Next_trigger_and_eta_are_reported_on_battery()
    {
        var h = new PolicyHarness(new PolicyOptions { MaxTimeOnBattery = TimeSpan.FromMinutes(30) });
        h.Run(S(10), _ => OB(charge: 90, runtime: 900));
        Assert.Equal("runtime", h.Policy.Status.NextTrigger);
        Assert.Equal(S(300), h.Policy.Status.NextTriggerEta);
    }

    [Fact]
    public void Eta_of_low_charge_follows_the_depletion_rate()
    {
        var h = new PolicyHarness();
        h.Run(S(150), t => OB(charge: 100 - 10 * t.TotalMinutes, runtime: null));
        // At 150 s the charge is 75 % falling 10 %/min: 5.5 min to 20 %.
        Assert.Equal("low_battery", h.Policy.Status.NextTrigger);
        Assert.InRange(h.Policy.Status.NextTriggerEta!.Value.TotalSeconds, 325, 335);
    }

    [Fact]
    public void Restart_during_an_outage_restores_the_outage_start_and_the_depletion_history()
    {
        var a = new PolicyHarness();
        a.Run(S(101), t => OB(charge: 100 - 20 * t.TotalMinutes, runtime: null));
        AssertNothingFired(a);
        var memory = a.Policy.Remember(a.Now, a.Wall);

        // The process restarts 10 s later with a fresh monotonic clock.
        var b = new PolicyHarness();
        b.WallOffset = S(111);
        b.Policy.Restore(memory, b.Now, b.Wall);
        Assert.Equal(PolicyHarness.Epoch, b.Policy.Status.OnBatterySince ?? PolicyHarness.Epoch);
        b.Run(S(120), t => OB(charge: 100 - 20 * (t + S(111)).TotalMinutes, runtime: null));
        // Without the history the grace would start again (fire at 111 + 120 s); with it the rate is known at 120 s wall.
        Assert.NotNull(b.Fired);
        Assert.Equal("depletion_rate", b.Fired!.Value.Trigger.Name);
        Assert.Equal(S(120 - 111 + 5), b.Fired.Value.At);
        Assert.Equal(PolicyHarness.Epoch, b.Policy.Status.OnBatterySince);
    }

    [Fact]
    public void Restart_during_an_outage_keeps_counting_time_on_battery()
    {
        var a = new PolicyHarness(new PolicyOptions { MaxTimeOnBattery = TimeSpan.FromMinutes(15) });
        a.Run(S(600), _ => OB());
        var memory = a.Policy.Remember(a.Now, a.Wall);
        var b = new PolicyHarness(new PolicyOptions { MaxTimeOnBattery = TimeSpan.FromMinutes(15) }) { WallOffset = S(630) };
        b.Policy.Restore(memory, b.Now, b.Wall);
        b.Run(S(400), _ => OB());
        AssertFired(b, "max_time_on_battery", 900 - 630);
    }

    /// <summary>Stopped (an upgrade, a crash loop) 1 min into an outage, started again <paramref name="down"/> later.</summary>
    private static PolicyHarness RestartedAfter(TimeSpan down)
    {
        var a = new PolicyHarness();
        a.Run(S(60), _ => OB());
        var memory = a.Policy.Remember(a.Now, a.Wall);
        var b = new PolicyHarness { WallOffset = down };
        b.Policy.Restore(memory, b.Now, b.Wall);
        return b;
    }

    [Fact]
    public void Power_back_while_the_gateway_was_down_longer_than_max_time_on_battery_fires_nothing()
    {
        var b = RestartedAfter(TimeSpan.FromMinutes(20));
        // The first tick comes before the first reading: the restored outage is older than max_time_on_battery (15 min).
        b.Tick();
        b.Run(S(30), _ => OL());
        AssertNothingFired(b);
        Assert.Equal(PolicyState.Normal, b.Policy.State);
        Assert.Null(b.Policy.Status.OnBatterySince);
    }

    [Theory]
    [InlineData("OB DISCHRG")]
    [InlineData("WAIT")]
    public void Restored_outage_older_than_max_time_fires_at_the_first_reading_that_is_not_line_power(string status)
    {
        var b = RestartedAfter(TimeSpan.FromMinutes(20));
        b.Tick();
        b.Advance(S(1));
        b.Tick();
        AssertNothingFired(b);
        b.Feed(new UpsSample(status, 100, 1800));
        AssertFired(b, "max_time_on_battery", 1);
    }

    [Fact]
    public void Restored_outage_older_than_max_time_with_the_link_never_back_fires_link_lost_after_the_floor()
    {
        var b = RestartedAfter(TimeSpan.FromMinutes(20));
        b.Run(S(120), _ => null);
        // link_lost_after (90 s) from the restart, not max_time_on_battery at the first tick (the harness ticks
        // between polls only, so the evaluation after 90 s falls at 91 s).
        Assert.Equal("link_lost", b.Fired?.Trigger.Name);
        Assert.InRange(b.Fired!.Value.At, S(90), S(91));
    }

    [Fact]
    public void Restored_memory_from_an_outage_that_ended_during_the_restart_is_forgotten()
    {
        var a = new PolicyHarness(new PolicyOptions { MaxTimeOnBattery = TimeSpan.FromMinutes(2) });
        a.Run(S(60), _ => OB());
        var memory = a.Policy.Remember(a.Now, a.Wall);
        var b = new PolicyHarness(new PolicyOptions { MaxTimeOnBattery = TimeSpan.FromMinutes(2) }) { WallOffset = S(70) };
        b.Policy.Restore(memory, b.Now, b.Wall);
        b.Run(S(300), _ => OL());
        AssertNothingFired(b);
        Assert.Null(b.Policy.Status.OnBatterySince);
    }

    [Fact]
    public void Restored_charges_no_reading_could_have_had_are_dropped_and_fire_nothing()
    {
        // A damaged or hand-edited policy-state.json: 1e308 % a minute ago, 100 % now would be a rate far past any threshold.
        var memory = new PolicyMemory(PolicyHarness.Epoch, PolicyHarness.Epoch - S(120),
            [new(PolicyHarness.Epoch - S(110), 1e308), new(PolicyHarness.Epoch - S(60), -5), new(PolicyHarness.Epoch - S(30), 100)], Confirmed: true);
        var h = new PolicyHarness();
        h.Policy.Restore(memory, h.Now, h.Wall);
        Assert.Single(h.Policy.History.Samples);
        Assert.StartsWith("restored the outage in progress since 2026-11-25 11:58:00Z after a restart", h.Policy.Status.LastDecision);
        h.Run(S(60), _ => OB(charge: 100, runtime: null));
        AssertNothingFired(h);
    }

    [Fact]
    public void Once_readings_arrive_the_status_no_longer_says_it_waits_for_the_first_one()
    {
        var h = new PolicyHarness();
        Assert.Equal("waiting for the first reading", h.Policy.Status.LastDecision);
        h.Run(S(3), _ => OL());
        Assert.Equal("watching the UPS: readings arrive", h.Policy.Status.LastDecision);
        Assert.Empty(h.Messages);
    }

    [Fact]
    public void Memory_that_is_too_old_or_from_the_future_is_not_believed()
    {
        var old = new PolicyMemory(PolicyHarness.Epoch, PolicyHarness.Epoch - TimeSpan.FromDays(2), []);
        var future = new PolicyMemory(PolicyHarness.Epoch, PolicyHarness.Epoch + TimeSpan.FromHours(1), []);
        foreach (var m in new[] { old, future })
        {
            var h = new PolicyHarness(new PolicyOptions { MaxTimeOnBattery = TimeSpan.FromMinutes(2) });
            h.Policy.Restore(m, h.Now, h.Wall);
            h.Run(S(10), _ => OB());
            Assert.Equal(PolicyHarness.Epoch, h.Policy.Status.OnBatterySince);
            AssertNothingFired(h);
        }
    }

    [Fact]
    public void A_restored_shutdown_does_not_fire_again()
    {
        var h = new PolicyHarness();
        h.Policy.RestoreShutdown(new TriggerHit("runtime", "restored"), pointOfNoReturnPassed: false, h.Wall);
        h.Run(S(30), _ => OB(charge: 10, runtime: 60));
        Assert.Equal(0, h.StartCount);
        Assert.Equal(PolicyState.ShutdownPending, h.Policy.State);
        h.Run(S(5), _ => OL());
        Assert.NotNull(h.CancelledAt);
    }

    [Fact]
    public void State_changes_are_reported_once_not_on_every_reading()
    {
        var h = new PolicyHarness();
        h.Run(S(300), t => t < S(200) ? OB(charge: 100, runtime: 3600) : OL());
        var messages = h.Messages.ToList();
        Assert.Equal(2, messages.Count);
        Assert.Contains("on battery", messages[0]);
        Assert.Contains("power is back", messages[1]);
    }
}
