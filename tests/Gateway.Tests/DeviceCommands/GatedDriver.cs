using System.Collections.Concurrent;
using Gateway.Drivers.Devices;
using Gateway.Drivers.Readings;

namespace Gateway.Tests.DeviceCommands;

/// <summary>A UPS driver whose commands wait until the test releases them (or the token ends them), so "busy" can be observed.</summary>
internal sealed class GatedDriver(string deviceId, params string[] commands) : IDeviceDriver
{
    private TaskCompletionSource<DeviceCommandResult>? _release;

    public string DeviceId { get; } = deviceId;
    public DeviceKind Kind => DeviceKind.Ups;
    public DriverCounters Counters { get; } = new();
    public IReadOnlyList<string> Commands { get; } = commands;
    public ConcurrentQueue<string> Started { get; } = new();

    /// <summary>From now on every command waits for <see cref="Release"/>.</summary>
    public void Hold() => _release = new TaskCompletionSource<DeviceCommandResult>(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release() => _release?.TrySetResult(DeviceCommandResult.Ok());

    public Task RunAsync(IReadingSink sink, CancellationToken cancellationToken) => Task.Delay(Timeout.Infinite, cancellationToken);

    public Task<DeviceCommandResult> ExecuteAsync(string command, CancellationToken cancellationToken)
    {
        Started.Enqueue(command);
        return _release is { } r ? r.Task.WaitAsync(cancellationToken) : Task.FromResult(DeviceCommandResult.Ok());
    }
}
