using System.Collections.Concurrent;
using Gateway.Drivers.Devices;
using Gateway.Drivers.Readings;

namespace Gateway.Tests.HomeAssistant;

/// <summary>A driver that produces nothing by itself (tests publish readings into the hub) and records the commands it is sent.</summary>
public sealed class FakeDeviceDriver(string deviceId, DeviceKind kind, params string[] commands) : IDeviceDriver
{
    public string DeviceId { get; } = deviceId;
    public DeviceKind Kind { get; } = kind;
    public DriverCounters Counters { get; } = new();
    public IReadOnlyList<string> Commands { get; } = commands;
    public ConcurrentQueue<string> Executed { get; } = new();

    public Task RunAsync(IReadingSink sink, CancellationToken cancellationToken) => Task.Delay(Timeout.Infinite, cancellationToken);

    public Task<DeviceCommandResult> ExecuteAsync(string command, CancellationToken cancellationToken)
    {
        Executed.Enqueue(command);
        return Task.FromResult(DeviceCommandResult.Ok());
    }
}
