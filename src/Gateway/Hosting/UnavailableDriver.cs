using Gateway.Drivers.Devices;
using Gateway.Drivers.Readings;

namespace Gateway.Hosting;

/// <summary>Stands in for a device whose driver could not be created: reports it Lost once and waits.</summary>
internal sealed class UnavailableDriver(string deviceId, DeviceKind kind) : IDeviceDriver
{
    public string DeviceId { get; } = deviceId;
    public DeviceKind Kind { get; } = kind;
    public DriverCounters Counters { get; } = new();
    public IReadOnlyList<string> Commands => [];

    public async Task RunAsync(IReadingSink sink, CancellationToken cancellationToken)
    {
        sink.ReportLinkState(DeviceId, LinkState.Lost, "no driver for this device type");
        try { await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false); }
        catch (OperationCanceledException) { }
    }

    public Task<DeviceCommandResult> ExecuteAsync(string command, CancellationToken cancellationToken) =>
        Task.FromResult(DeviceCommandResult.Unavailable("device has no driver"));
}
