using Gateway.Drivers.Devices;

namespace Gateway.Readings;

/// <summary>
/// Finds a device's driver by id so outputs (NUT INSTCMD, Home Assistant buttons, the API) can send it an
/// explicit command through the device's own command method — the only way back into a driver.
/// </summary>
public sealed class DeviceDirectory
{
    private readonly Dictionary<string, IDeviceDriver> _drivers;

    public DeviceDirectory(IEnumerable<IDeviceDriver> drivers) =>
        _drivers = drivers.ToDictionary(d => d.DeviceId, StringComparer.Ordinal);

    public IDeviceDriver? Find(string deviceId) => _drivers.TryGetValue(deviceId, out var d) ? d : null;

    public IReadOnlyList<string> CommandsOf(string deviceId) => Find(deviceId)?.Commands ?? [];

    public IEnumerable<IDeviceDriver> All => _drivers.Values;

    public Task<DeviceCommandResult> ExecuteAsync(string deviceId, string command, CancellationToken ct)
    {
        var d = Find(deviceId);
        if (d is null) return Task.FromResult(DeviceCommandResult.Unavailable($"unknown device '{deviceId}'"));
        if (!d.Commands.Contains(command, StringComparer.Ordinal)) return Task.FromResult(DeviceCommandResult.NotSupported(command));
        return d.ExecuteAsync(command, ct);
    }
}
