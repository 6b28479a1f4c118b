using System.Device.Gpio;
using Gateway.Configuration;
using Gateway.Drivers.Gpio;
using Gateway.Drivers.Readings;
using Gateway.Indicators;
using Gateway.Policy;
using Gateway.Readings;
using Gateway.Tests.Gpio;
using Gateway.Tests.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Indicators;

/// <summary>The real <see cref="StatusIndicators"/> on a recording GPIO driver, in virtual time, with a settable policy and a real hub.</summary>
internal sealed class IndicatorRig : IAsyncDisposable
{
    public const int Led = 17;
    public const int Buzz = 27;

    public IndicatorRig(DateTimeOffset? start = null, string? quietHours = null, bool activeLow = false, int? ledPin = Led, int? buzzerPin = Buzz, GpioOpener? opener = null)
    {
        Time = new FakeTimeProvider(start ?? new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
        Time.SetLocalTimeZone(TimeZoneInfo.Utc);
        Start = Time.GetUtcNow();
        Driver = new RecordingGpioDriver(Time);
        Hub = new ReadingHub(Time, NullLogger<ReadingHub>.Instance);
        Indicators = new StatusIndicators(
            new GpioOptions { LedPin = ledPin, BuzzerPin = buzzerPin, ActiveLow = activeLow, BuzzerQuietHours = quietHours },
            new IndicatorStateReader(Policy, Hub),
            opener ?? (_ => new GpioOpenResult(Driver, 0, "test", null)),
            Time,
            Log);
    }

    public FakeTimeProvider Time { get; }
    public DateTimeOffset Start { get; }
    public RecordingGpioDriver Driver { get; }
    public ReadingHub Hub { get; }
    public SettablePolicy Policy { get; } = new();
    public ListLogger<StatusIndicators> Log { get; } = new();
    public StatusIndicators Indicators { get; }

    public Task StartAsync() => Indicators.StartAsync(default);

    /// <summary>Advances virtual time tick by tick, so every timer fires at its exact time.</summary>
    public void Run(TimeSpan span)
    {
        for (var t = TimeSpan.Zero; t < span; t += IndicatorEngine.Tick) Time.Advance(IndicatorEngine.Tick);
    }

    public void RunUntil(int msFromStart) => Run(Start.AddMilliseconds(msFromStart) - Time.GetUtcNow());

    public void UpsStatus(string status) => Hub.Publish(HistoryTestData.Ups(Time.GetUtcNow(), status: status));

    /// <summary>The on/off timeline of one pin as "ms:1" / "ms:0" (ms since start, 1 = on), skipping the initial "off" of OpenPin.</summary>
    public string[] Timeline(int pin, bool activeLow = false) => Driver.Writes
        .Where(w => w.Pin == pin)
        .Skip(1)
        .Select(w => $"{(w.At - Start).TotalMilliseconds:0}:{((w.Value == PinValue.High) != activeLow ? 1 : 0)}")
        .ToArray();

    public async ValueTask DisposeAsync()
    {
        await Indicators.StopAsync(default);
        Indicators.Dispose();
    }
}
