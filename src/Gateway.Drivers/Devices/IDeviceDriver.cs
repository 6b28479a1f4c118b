using Gateway.Drivers.Readings;

namespace Gateway.Drivers.Devices;

/// <summary>
/// A device the gateway reads. <see cref="RunAsync"/> loops until cancelled and never throws for device
/// trouble: losses become <see cref="LinkState"/> changes on the sink, and the driver reconnects by itself.
/// </summary>
public interface IDeviceDriver
{
    string DeviceId { get; }

    /// <summary>"ups" or "meter": what kind of readings this driver produces.</summary>
    DeviceKind Kind { get; }

    DriverCounters Counters { get; }

    /// <summary>NUT instant-command names this device supports (e.g. <c>beeper.enable</c>). Empty when none.</summary>
    IReadOnlyList<string> Commands { get; }

    Task RunAsync(IReadingSink sink, CancellationToken cancellationToken);

    /// <summary>Runs an instant command through the device's own request path (never concurrently with a poll on the same port).</summary>
    Task<DeviceCommandResult> ExecuteAsync(string command, CancellationToken cancellationToken);
}
