using System.Collections.Concurrent;
using Gateway.Drivers.Devices;
using Gateway.Drivers.Readings;

namespace Gateway.Tests.Web;

/// <summary>A driver that takes commands and records them (the API's path into a device).</summary>
public sealed class FakeDriver(string id, DeviceKind kind, params string[] commands) : IDeviceDriver
{
    public string DeviceId { get; } = id;
    public DeviceKind Kind { get; } = kind;
    public DriverCounters Counters { get; } = new();
    public IReadOnlyList<string> Commands { get; } = commands;
    public ConcurrentQueue<string> Received { get; } = new();
    public DeviceCommandResult Result { get; set; } = DeviceCommandResult.Ok();

    public Task RunAsync(IReadingSink sink, CancellationToken cancellationToken) => Task.Delay(Timeout.Infinite, cancellationToken);

    public Task<DeviceCommandResult> ExecuteAsync(string command, CancellationToken cancellationToken)
    {
        Received.Enqueue(command);
        return Task.FromResult(Result);
    }
}
