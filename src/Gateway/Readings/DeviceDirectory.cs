using Gateway.Drivers.Devices;

namespace Gateway.Readings;

/// <summary>
/// Finds a device's driver by id. Commands to a device go through <see cref="DeviceCommands.DeviceCommandGate"/>
/// (the only way back into a driver), never straight to the driver — except the shutdown sequence's own UPS
/// power-cycle (<see cref="Shutdown.PowerCycle.UpsPowerCycle"/>), an internal call no outside request can reach.
/// </summary>
public sealed class DeviceDirectory
{
    private readonly Dictionary<string, IDeviceDriver> _drivers;

    public DeviceDirectory(IEnumerable<IDeviceDriver> drivers) =>
        _drivers = drivers.ToDictionary(d => d.DeviceId, StringComparer.Ordinal);

    public IDeviceDriver? Find(string deviceId) => _drivers.TryGetValue(deviceId, out var d) ? d : null;

    public IReadOnlyList<string> CommandsOf(string deviceId) => Find(deviceId)?.Commands ?? [];

    public IEnumerable<IDeviceDriver> All => _drivers.Values;
}
