using Gateway.Configuration;
using Gateway.Drivers.Serial;

namespace Gateway.Setup;

/// <summary>
/// The serial ports the setup page offers: the stable <c>/dev/serial/by-id/*</c> names (with the device node
/// behind each), the raw USB/ACM/UART nodes (<c>ttyUSB*</c>, <c>ttyACM*</c>, <c>ttyAMA*</c>) and the ports of
/// configured devices. Only a listed port may be probed, so the probe never opens an arbitrary file.
/// </summary>
public sealed class SerialPortCatalog(string byIdDir = "/dev/serial/by-id", string devDir = "/dev")
{
    private static readonly string[] RawPatterns = ["ttyUSB*", "ttyACM*", "ttyAMA*"];

    public SerialPortList List(GatewayConfig config)
    {
        var configured = ConfiguredPorts(config);
        var entries = new List<SerialPortEntry>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        void Add(string path, bool stable)
        {
            if (!seen.Add(path)) return;
            var target = DevicePath.Resolve(path);
            var users = configured.Where(c => c.Port == path || (target is not null && c.Target == target)).Select(c => c.Id).ToArray();
            entries.Add(new SerialPortEntry(path, target, stable, users));
        }
        var byIdExists = Directory.Exists(byIdDir);
        if (byIdExists)
            foreach (var link in Directory.EnumerateFileSystemEntries(byIdDir).Order(StringComparer.Ordinal)) Add(link, stable: true);
        if (Directory.Exists(devDir))
            foreach (var pattern in RawPatterns)
                foreach (var node in Directory.EnumerateFileSystemEntries(devDir, pattern).Order(StringComparer.Ordinal)) Add(node, stable: false);
        foreach (var c in configured) Add(c.Port, stable: !IsRawNode(c.Port));
        string? note = null;
        if (entries.Count == 0)
            note = "No serial port found: plug in the UPS's USB cable or the RS485 adapter, wait a few seconds, then press Refresh.";
        else if (!byIdExists)
            note = $"{byIdDir} does not exist, so no adapter has a stable name: after a replug a ttyUSB number may change. Plug the adapter in (udev creates the folder), or use the udev rules shipped with the package.";
        return new SerialPortList(entries, note);
    }

    /// <summary>Whether <paramref name="port"/> is one the picker lists (the probe opens nothing else).</summary>
    public bool IsListed(string port, GatewayConfig config) => List(config).Ports.Any(p => p.Path == port);

    /// <summary>The serial ports of configured serial devices (MUST, EM340, type: modbus), with the device node each points at now.</summary>
    public static IReadOnlyList<(string Id, string Port, string? Target, SerialPortOptions Serial)> ConfiguredPorts(GatewayConfig config) =>
        config.Devices.OfType<ISerialDeviceOptions>()
            .Select(d => (d.Id, d.Serial.Port, DevicePath.Resolve(d.Serial.Port), d.Serial))
            .ToArray();

    private bool IsRawNode(string path) =>
        Path.GetDirectoryName(path) == devDir.TrimEnd('/') && RawPatterns.Any(p => Path.GetFileName(path).StartsWith(p.TrimEnd('*'), StringComparison.Ordinal));
}
