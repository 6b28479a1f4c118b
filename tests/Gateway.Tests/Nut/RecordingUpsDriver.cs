using System.Collections.Concurrent;
using Gateway.Drivers.Devices;
using Gateway.Drivers.Readings;

namespace Gateway.Tests.Nut;

/// <summary>A fake UPS driver that only records the instant commands it is asked to run.</summary>
internal sealed class RecordingUpsDriver(string deviceId) : IDeviceDriver
{
    public ConcurrentQueue<string> Executed { get; } = new();
    public string DeviceId { get; } = deviceId;
    public DeviceKind Kind => DeviceKind.Ups;
    public DriverCounters Counters { get; } = new();
    public IReadOnlyList<string> Commands { get; } = ["beeper.disable", "beeper.enable", "shutdown.return", "test.battery.start"];

    public Task RunAsync(IReadingSink sink, CancellationToken cancellationToken) => Task.Delay(Timeout.Infinite, cancellationToken);

    public Task<DeviceCommandResult> ExecuteAsync(string command, CancellationToken cancellationToken)
    {
        Executed.Enqueue(command);
        return Task.FromResult(command == "shutdown.return" ? DeviceCommandResult.Failed("device said no") : DeviceCommandResult.Ok());
    }
}
