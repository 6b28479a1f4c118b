using Gateway.Drivers.Serial;
using Microsoft.Extensions.Logging;

namespace Gateway.Drivers.Modbus;

/// <summary>
/// The buses of one gateway, one per configured port path: devices on the same path share one
/// <see cref="ModbusBus"/>; it is closed when the last of them stops.
/// </summary>
/// <param name="silentReopenAfter">How long every slave on a port may stay silent before the port is reopened (default <see cref="ModbusBus.DefaultSilentReopenAfter"/>).</param>
public sealed class ModbusBuses(TimeProvider time, TimeSpan? silentReopenAfter = null)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (ModbusBus Bus, int Users)> _buses = new(StringComparer.Ordinal);

    /// <summary>
    /// The bus for <paramref name="serial"/>'s path, created on first use with that device's port settings.
    /// A later device with other port settings (baud, parity, stop bits) on the same path gets the first
    /// device's, with a warning: one wire has one speed (the configuration refuses such a file; this is for
    /// drivers made in code).
    /// </summary>
    public ModbusBusLease Attach(string deviceId, SerialSettings serial, ILogger log, SerialLink.Opener? opener = null, ReconnectBackoff? backoff = null)
    {
        lock (_lock)
        {
            if (_buses.TryGetValue(serial.Port, out var entry))
            {
                var first = entry.Bus.Settings;
                if (first.Baud != serial.Baud || first.Parity != serial.Parity || first.StopBits != serial.StopBits)
                    log.LogWarning("{Device}: {Port} is already open at {First}; using that instead of {Wanted} (devices on one port must use the same baud, parity and stop bits)",
                        deviceId, serial.Port, first, serial);
                _buses[serial.Port] = (entry.Bus, entry.Users + 1);
                return new ModbusBusLease(this, entry.Bus);
            }
            var bus = new ModbusBus(serial, time, log, opener, backoff, silentReopenAfter);
            _buses[serial.Port] = (bus, 1);
            return new ModbusBusLease(this, bus);
        }
    }

    /// <summary>How many devices use the bus on <paramref name="port"/> (0 when none is open).</summary>
    public int UsersOf(string port)
    {
        lock (_lock) return _buses.TryGetValue(port, out var e) ? e.Users : 0;
    }

    internal void Release(ModbusBus bus)
    {
        lock (_lock)
        {
            if (!_buses.TryGetValue(bus.Settings.Port, out var entry) || entry.Bus != bus) return;
            if (entry.Users > 1)
            {
                _buses[bus.Settings.Port] = (bus, entry.Users - 1);
                return;
            }
            _buses.Remove(bus.Settings.Port);
        }
        bus.Dispose();
    }
}
