using Gateway.Drivers.Devices;

namespace Gateway.Readings;

/// <summary>
/// Finds a device's driver by id. Commands to a device go through <see cref="DeviceCommands.DeviceCommandGate"/>
/// (the only way back into a driver), never straight to the driver — except the shutdown sequence's own UPS
/// power-cycle (<see cref="Shutdown.PowerCycle.UpsPowerCycle"/>), an internal call no outside request can reach.
/// The device list can change while the gateway runs (<see cref="Hosting.DeviceRunner.ApplyAsync"/>).
/// </summary>
public sealed class DeviceDirectory
{
    private readonly Lock _gate = new();
    private Dictionary<string, IDeviceDriver> _drivers;

    public DeviceDirectory(IEnumerable<IDeviceDriver> drivers) =>
        _drivers = drivers.ToDictionary(d => d.DeviceId, StringComparer.Ordinal);

    public IDeviceDriver? Find(string deviceId) => Volatile.Read(ref _drivers).TryGetValue(deviceId, out var d) ? d : null;

    public IReadOnlyList<string> CommandsOf(string deviceId) => Find(deviceId)?.Commands ?? [];

    public IEnumerable<IDeviceDriver> All => Volatile.Read(ref _drivers).Values;

    /// <summary>Adds a device's driver, or replaces the one it had.</summary>
    public void Set(IDeviceDriver driver)
    {
        lock (_gate) Volatile.Write(ref _drivers, new Dictionary<string, IDeviceDriver>(_drivers, StringComparer.Ordinal) { [driver.DeviceId] = driver });
    }

    public void Remove(string deviceId)
    {
        lock (_gate)
        {
            var copy = new Dictionary<string, IDeviceDriver>(_drivers, StringComparer.Ordinal);
            if (copy.Remove(deviceId)) Volatile.Write(ref _drivers, copy);
        }
    }
}
