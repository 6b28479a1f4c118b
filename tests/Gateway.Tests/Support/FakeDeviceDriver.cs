using System.Collections.Concurrent;
using Gateway.Drivers.Devices;
using Gateway.Drivers.Readings;

namespace Gateway.Tests.Support;

/// <summary>
/// A driver that produces nothing by itself (tests publish readings into the hub), records the commands it is
/// sent and answers them with <see cref="Result"/>.
/// </summary>
public sealed class FakeDeviceDriver(string deviceId, DeviceKind kind, params string[] commands) : IDeviceDriver
{
    public string DeviceId { get; } = deviceId;
    public DeviceKind Kind { get; } = kind;
    public DriverCounters Counters { get; } = new();
    public IReadOnlyList<string> Commands { get; } = commands;
    public ConcurrentQueue<string> Executed { get; } = new();
    public DeviceCommandResult Result { get; set; } = DeviceCommandResult.Ok();

    public Task RunAsync(IReadingSink sink, CancellationToken cancellationToken) => Task.Delay(Timeout.Infinite, cancellationToken);

    public Task<DeviceCommandResult> ExecuteAsync(string command, CancellationToken cancellationToken)
    {
        Executed.Enqueue(command);
        return Task.FromResult(Result);
    }
}
