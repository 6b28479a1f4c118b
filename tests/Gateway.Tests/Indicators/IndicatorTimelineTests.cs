using Gateway.Drivers.Gpio;
using Gateway.Drivers.Readings;
using Gateway.Indicators;
using Gateway.Policy;
using Microsoft.Extensions.Logging;

namespace Gateway.Tests.Indicators;

/// <summary>The exact LED and buzzer timelines for each gateway state, in virtual time, through the real service and a recording GPIO driver.</summary>
public class IndicatorTimelineTests
{
    private static string[] Pairs(params int[] msOnOff) =>
        msOnOff.Select((ms, i) => $"{ms}:{(i % 2 == 0 ? 1 : 0)}").ToArray();

    [Fact]
    public async Task All_good_is_a_steady_led_and_a_silent_buzzer_and_stop_turns_the_led_off()
    {
        await using var rig = new IndicatorRig();
        await rig.StartAsync();
        rig.Run(TimeSpan.FromSeconds(65));
        Assert.Equal(["0:1"], rig.Timeline(IndicatorRig.Led));
        Assert.Empty(rig.Timeline(IndicatorRig.Buzz));

        await rig.Indicators.StopAsync(default);
        Assert.Equal(["0:1", "65000:0"], rig.Timeline(IndicatorRig.Led));
        Assert.Empty(rig.Driver.OpenPins);
        Assert.True(rig.Driver.Disposed);
    }

    [Fact]
    public async Task On_battery_is_a_slow_blink_a_short_beep_and_a_beep_every_30_seconds()
    {
        await using var rig = new IndicatorRig();
        rig.Policy.State = PolicyState.OnBattery;
        await rig.StartAsync();
        rig.Run(TimeSpan.FromSeconds(61));                 // Run includes its end: the edge at 61 s is there too
        Assert.Equal(Enumerable.Range(0, 62).Select(s => $"{s * 1000}:{(s % 2 == 0 ? 1 : 0)}"), rig.Timeline(IndicatorRig.Led));
        Assert.Equal(Pairs(0, 300, 30000, 30300, 60000, 60300), rig.Timeline(IndicatorRig.Buzz));
    }

    [Fact]
    public async Task Shutdown_pending_is_a_fast_blink_and_the_battery_beeps_go_on()
    {
        await using var rig = new IndicatorRig();
        rig.Policy.State = PolicyState.ShutdownPending;
        await rig.StartAsync();
        rig.Run(TimeSpan.FromMilliseconds(1000));
        Assert.Equal(Pairs(0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000), rig.Timeline(IndicatorRig.Led));
        Assert.Equal(Pairs(0, 300), rig.Timeline(IndicatorRig.Buzz));
    }

    [Fact]
    public async Task Shutting_down_is_a_fast_blink_and_a_continuous_buzzer()
    {
        await using var rig = new IndicatorRig();
        rig.Policy.State = PolicyState.ShuttingDown;
        await rig.StartAsync();
        rig.Run(TimeSpan.FromSeconds(40));
        Assert.Equal(401, rig.Timeline(IndicatorRig.Led).Length);
        Assert.Equal(["0:1"], rig.Timeline(IndicatorRig.Buzz));
        await rig.Indicators.StopAsync(default);
        Assert.Equal(["0:1", "40000:0"], rig.Timeline(IndicatorRig.Buzz));
    }

    [Fact]
    public async Task A_lost_device_link_is_a_double_blink()
    {
        await using var rig = new IndicatorRig();
        rig.Hub.ReportLinkState("ups", LinkState.Lost, "no answer");
        await rig.StartAsync();
        rig.Run(TimeSpan.FromMilliseconds(4000));
        Assert.Equal(Pairs(0, 200, 400, 600, 2000, 2200, 2400, 2600, 4000), rig.Timeline(IndicatorRig.Led));
        Assert.Empty(rig.Timeline(IndicatorRig.Buzz));
    }

    [Fact]
    public async Task Power_lost_then_restored_seen_on_the_ups_without_a_policy()
    {
        await using var rig = new IndicatorRig();
        rig.UpsStatus("OL CHRG");
        await rig.StartAsync();
        rig.RunUntil(5000);
        rig.UpsStatus("OB DISCHRG");          // seen by the tick at 5050: the patterns start there
        rig.RunUntil(40000);
        rig.UpsStatus("OL CHRG");             // restored: seen at 40050
        rig.RunUntil(70000);

        Assert.Equal(
            ["0:1", "6050:0", "7050:1", "8050:0", "9050:1", "10050:0"],   // already lit at 5050: the first change is the first "off"
            rig.Timeline(IndicatorRig.Led).Take(6).ToArray());
        var led = rig.Timeline(IndicatorRig.Led);
        Assert.Equal("39050:1", led[^1]);          // lit when power came back at 40050, and steady from then on
        Assert.Equal(Pairs(5050, 5350, 35050, 35350), rig.Timeline(IndicatorRig.Buzz));
    }

    [Fact]
    public async Task Battery_to_shutdown_to_cancelled_power_back()
    {
        await using var rig = new IndicatorRig();
        await rig.StartAsync();
        rig.RunUntil(1000);
        rig.Policy.State = PolicyState.OnBattery;         // 1050: beep
        rig.RunUntil(10000);
        rig.Policy.State = PolicyState.ShutdownPending;   // 10050: fast blink; periodic beep continues from 1050
        rig.RunUntil(32000);
        rig.Policy.State = PolicyState.ShuttingDown;      // 32050: continuous
        rig.RunUntil(35000);
        rig.Policy.State = PolicyState.Normal;            // 35050: silent, steady
        rig.RunUntil(70000);

        Assert.Equal(Pairs(1050, 1350, 31050, 31350, 32050, 35050), rig.Timeline(IndicatorRig.Buzz));
        var led = rig.Timeline(IndicatorRig.Led);
        Assert.Equal(["0:1", "2050:0", "3050:1"], led[..3]);
        Assert.Contains("9050:1", led);
        Assert.DoesNotContain("10050:1", led);    // the slow blink was lit at 10050 already; the fast blink starts lit
        Assert.Contains("10150:0", led);
        Assert.Contains("10250:1", led);
        Assert.Equal("35050:1", led[^1]);
    }

    [Fact]
    public async Task Quiet_hours_mute_the_periodic_beep_but_not_the_power_loss_beep_or_the_shutdown()
    {
        await using var rig = new IndicatorRig(start: new DateTimeOffset(2026, 11, 25, 22, 59, 0, TimeSpan.Zero), quietHours: "23:00-07:00");
        await rig.StartAsync();
        rig.Policy.State = PolicyState.OnBattery;   // at 22:59:00.050, outside the quiet hours
        rig.RunUntil(125_000);                       // beeps at +30 s (22:59:30) sound; +60 s (23:00:00) and later are muted
        rig.Policy.State = PolicyState.ShuttingDown;
        rig.RunUntil(126_000);
        Assert.Equal(Pairs(50, 350, 30050, 30350, 125050), rig.Timeline(IndicatorRig.Buzz));
    }

    [Fact]
    public async Task Active_low_inverts_the_levels_on_the_wire()
    {
        await using var rig = new IndicatorRig(activeLow: true);
        rig.Policy.State = PolicyState.OnBattery;
        await rig.StartAsync();
        rig.Run(TimeSpan.FromMilliseconds(2000));
        Assert.Equal(["0:1", "1000:0", "2000:1"], rig.Timeline(IndicatorRig.Led, activeLow: true));
        Assert.Equal([System.Device.Gpio.PinValue.High, System.Device.Gpio.PinValue.Low, System.Device.Gpio.PinValue.High, System.Device.Gpio.PinValue.Low],
            rig.Driver.Writes.Where(w => w.Pin == IndicatorRig.Led).Select(w => w.Value));   // opened off (high), on = low
    }

    [Fact]
    public async Task Without_gpio_hardware_it_logs_once_and_start_up_goes_on()
    {
        await using var rig = new IndicatorRig(opener: _ => new GpioOpenResult(null, 0, "default", "no /dev/gpiochip* on this machine"));
        await rig.StartAsync();
        rig.Run(TimeSpan.FromSeconds(2));
        Assert.StartsWith("off: no /dev/gpiochip*", rig.Indicators.Status);
        Assert.Single(rig.Log.Lines, l => l.Level == LogLevel.Information && l.Message.Contains("No GPIO hardware"));
        Assert.Empty(rig.Driver.Writes);
    }

    [Fact]
    public async Task The_real_opener_on_a_machine_without_gpio_never_fails_start_up()
    {
        await using var rig = new IndicatorRig(opener: GpioHardware.Open);
        await rig.StartAsync();
        Assert.True(rig.Indicators.Status.StartsWith("off:", StringComparison.Ordinal) || rig.Indicators.Status.StartsWith("running", StringComparison.Ordinal), rig.Indicators.Status);
    }

    [Fact]
    public async Task A_gpio_error_while_running_switches_the_indicators_off_without_throwing()
    {
        await using var rig = new IndicatorRig();
        rig.Policy.State = PolicyState.OnBattery;
        await rig.StartAsync();
        rig.Run(TimeSpan.FromMilliseconds(500));
        rig.Driver.FailWritesWith = new IOException("chip gone");
        rig.Run(TimeSpan.FromSeconds(2));
        Assert.Equal("off: chip gone", rig.Indicators.Status);
        Assert.Contains(rig.Log.Lines, l => l.Level == LogLevel.Warning && l.Message.Contains("chip gone"));
    }
}
