using System.Globalization;
using Gateway.Drivers.Devices;
using Gateway.Drivers.Readings;
using Gateway.Readings;
using Gateway.Shutdown.Restore;
using Gateway.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Outage;

/// <summary>The recorder as the host runs it: readings reach it from the hub (inline), saves go through its own loop.</summary>
public sealed class OutageRecorderHubTests
{
    [Fact]
    public async Task An_outage_published_to_the_hub_is_recorded_and_saved_by_the_running_service()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 3, 0, 0, TimeSpan.Zero));
        using var dir = new TempDir("gw-outage-hub");
        var hub = new ReadingHub(time, NullLogger<ReadingHub>.Instance);
        hub.Register("ups", "must", DeviceKind.Ups);
        var store = new OutageRecordStore(dir.Path);
        using var recorder = new OutageRecorder("ups", TimeSpan.FromSeconds(5), hub, new EventBus(NullLogger<EventBus>.Instance), store, time, NullLogger.Instance);
        await recorder.StartAsync(CancellationToken.None);
        try
        {
            void Ups(string status, double charge, double volts) => hub.Publish(new UpsReading("ups", time.GetUtcNow(), TimeSpan.FromSeconds(10), UpsStatus.Parse(status),
                new Dictionary<string, string>
                {
                    [NutNames.BatteryCharge] = charge.ToString("0.#", CultureInfo.InvariantCulture),
                    [NutNames.BatteryVoltage] = volts.ToString("0.##", CultureInfo.InvariantCulture),
                    [NutNames.UpsRealPower] = "300",
                }));

            Ups("OL", 100, 27.2);
            var start = time.GetUtcNow() + TimeSpan.FromSeconds(1);
            for (var s = 1; s <= 8; s++)
            {
                time.Advance(TimeSpan.FromSeconds(1));
                Ups("OB DISCHRG", 100 - s, 25.0);
            }
            // Saved once the outage has lasted on_battery_delay (5 s): by the save loop, not by the publisher's thread.
            await Wait.UntilAsync(async () => await store.LoadCurrentAsync(CancellationToken.None) is not null,
                "the outage record to be saved", TimeSpan.FromSeconds(30));
            var saved = await store.LoadCurrentAsync(CancellationToken.None);
            Assert.Equal(start, saved!.StartedAt);
            Assert.Equal(27.2, saved.RestVoltage);
            Assert.True(saved.LowestCharge is >= 92 and <= 96, $"lowest charge {saved.LowestCharge}");
            Assert.Equal(92, recorder.Current!.LowestCharge);
        }
        finally
        {
            await recorder.StopAsync(CancellationToken.None);
        }
    }
}
