using System.Globalization;
using Gateway.Configuration;
using Gateway.Drivers.Devices;
using Gateway.Drivers.Em340;
using Gateway.Drivers.Modbus;
using Gateway.Drivers.Must;
using Gateway.Drivers.Serial;
using Microsoft.Extensions.Logging;

namespace Gateway.Setup;

/// <summary>
/// The port picker's "probe": opens a serial port (or borrows the running gateway's open connection to it),
/// reads the identity of the device at the given address with the drivers' own identity reads, and explains a
/// failure in words: port missing, busy, permission denied (with the group to join), nothing answering at that
/// address and baud (and whether something answers at the type's default address), or another device type.
/// </summary>
public sealed class SerialProbe(SerialPortCatalog catalog, TimeProvider time, ILogger<SerialProbe> log, ModbusBuses? buses = null)
{
    public static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan OpenTimeout = TimeSpan.FromSeconds(3);
    public static readonly TimeSpan Em340Gap = TimeSpan.FromMilliseconds(40);
    private const int Eacces = 13;
    private const int Ebusy = 16;

    /// <summary>Null when the request is complete and sane; otherwise what to change (a 400).</summary>
    public string? Validate(SerialProbeRequest request, GatewayConfig config)
    {
        if (string.IsNullOrWhiteSpace(request.Port)) return "'port' is required: pick one of the ports from GET /api/setup/serial/ports";
        if (request.Type is not ("must" or "em340")) return $"'type' must be 'must' or 'em340', got '{request.Type}'";
        if (request.Address is { } a && a is < 1 or > 247) return $"'address' must be a Modbus address from 1 to 247, got {a}";
        if (request.Baud is { } b && Array.IndexOf(SerialPortOptions.Bauds, b) < 0)
            return $"'baud' must be one of {string.Join(", ", SerialPortOptions.Bauds)}, got {b}";
        if (!catalog.IsListed(request.Port, config))
            return $"'{request.Port}' is not a serial port this gateway lists (by-id names, ttyUSB/ttyACM/ttyAMA and configured ports); pick one from GET /api/setup/serial/ports";
        return null;
    }

    public static byte DefaultAddress(string type) => type == "must" ? MustRegisterMap.DefaultSlave : Em340RegisterMap.DefaultAddress;

    // One probe at a time: two probes opening the same wire at once would garble each other's frames.
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);

    public async Task<ToolResult> ProbeAsync(SerialProbeRequest request, GatewayConfig config, CancellationToken ct)
    {
        await _oneAtATime.WaitAsync(ct).ConfigureAwait(false);
        try { return await ProbeOnceAsync(request, config, ct).ConfigureAwait(false); }
        finally { _oneAtATime.Release(); }
    }

    private async Task<ToolResult> ProbeOnceAsync(SerialProbeRequest request, GatewayConfig config, CancellationToken ct)
    {
        var port = request.Port!;
        var type = request.Type!;
        var address = (byte)(request.Address ?? DefaultAddress(type));
        var baud = request.Baud ?? 9600;
        var device = DevicePath.Resolve(port);
        if (device is null)
            return new ToolResult(false, "not_found", $"{port} does not exist: the adapter is unplugged, or the path is mistyped.",
                "Plug the USB cable or RS485 adapter in, wait a few seconds, press Refresh and pick the port again.");

        var facts = new List<ToolFact> { new("port", port == device ? port : $"{port} → {device}") };
        var shared = SerialPortCatalog.ConfiguredPorts(config).FirstOrDefault(c => c.Target == device && buses is not null && buses.UsersOf(c.Port) > 0);
        if (shared.Port is not null)
        {
            if (await ProbeSharedAsync(shared.Id, shared.Serial.ToSettings(), type, address, baud, facts, ct).ConfigureAwait(false) is { } viaBus)
                return viaBus;
            // The gateway cannot open the port either: opening it here says why (permission, busy, gone).
            facts.Add(new ToolFact("gateway", $"device '{shared.Id}' is configured on this port, but the gateway cannot open it now; the probe tried to open it itself"));
        }

        // A pty's other side is always held by the program that made it (socat, a simulator): not a conflict.
        if (!device.StartsWith("/dev/pts/", StringComparison.Ordinal) && SerialPortHolders.Find(device) is { Count: > 0 } holders)
        {
            var who = string.Join(", ", holders.Select(h => $"'{h.Name}' (pid {h.Pid})"));
            return new ToolResult(false, "busy", $"{device} is already open in {who}; two programs on one serial port garble each other's replies.",
                $"Stop that program or keep it off this port (ModemManager: sudo systemctl disable --now ModemManager; another gateway: stop it), then probe again.", facts);
        }

        var settings = new SerialSettings(port, baud, Timeout: ReplyTimeout);
        PosixSerialPort opened;
        try
        {
            opened = PosixSerialPort.Open(settings);
        }
        catch (FileNotFoundException)
        {
            return new ToolResult(false, "not_found", $"{port} disappeared while opening it (the adapter was unplugged?).", "Plug it in again, press Refresh and probe again.", facts);
        }
        catch (IOException e) when (e.HResult == Eacces)
        {
            return PermissionDenied(device, facts);
        }
        catch (IOException e) when (e.HResult == Ebusy)
        {
            return new ToolResult(false, "busy", $"{device} is locked by another program (device busy).", "Stop the program that holds the port, then probe again.", facts);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return new ToolResult(false, "open_failed", $"{device} cannot be opened as a serial port: {e.Message}.",
                "Check that this is the adapter's port (a USB-serial adapter shows as ttyUSB or ttyACM) and that it is plugged in.", facts);
        }
        using (opened)
        {
            facts.Add(new ToolFact("settings", $"{baud} baud, 8N1, address {address}"));
            var master = new ModbusRtuMaster(opened, Timing(settings, type), time);
            return await IdentifyAsync(master, type, address, baud, facts, ct).ConfigureAwait(false);
        }
    }

    /// <summary>The probe through the running gateway's bus for this port; null when the gateway cannot open the port within <see cref="OpenTimeout"/>.</summary>
    private async Task<ToolResult?> ProbeSharedAsync(string deviceId, SerialSettings running, string type, byte address, int baud, List<ToolFact> facts, CancellationToken ct)
    {
        using var lease = buses!.Attach($"probe of {deviceId}'s port", running, log);
        var bus = lease.Bus;
        int generation;
        using (var timeout = new CancellationTokenSource(OpenTimeout, time))
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token))
        {
            try
            {
                generation = await bus.OpenAsync(linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                return null;
            }
        }
        facts.Add(new ToolFact("shared", $"the running gateway has this port open for device '{deviceId}'; the probe used that connection"));
        var note = bus.Settings.Baud != baud ? $" (the port runs at {bus.Settings.Baud} baud for '{deviceId}'; one wire has one speed, so the probe used that, not {baud})" : "";
        facts.Add(new ToolFact("settings", $"{bus.Settings.Baud} baud, address {address}{note}"));
        var client = new ModbusBusClient(bus, generation, Timing(bus.Settings with { Timeout = ReplyTimeout }, type), new DriverCounters());
        return await IdentifyAsync(client, type, address, bus.Settings.Baud, facts, ct).ConfigureAwait(false);
    }

    private async Task<ToolResult> IdentifyAsync(IModbusClient client, string type, byte address, int baud, List<ToolFact> facts, CancellationToken ct)
    {
        try
        {
            var identity = await ReadIdentityAsync(client, type, address, ct).ConfigureAwait(false);
            facts.AddRange(identity.Facts);
            return new ToolResult(true, "ok", $"Found {identity.Summary} at address {address}, {baud} baud.", null, facts);
        }
        catch (ModbusTimeoutException)
        {
            var hint = "";
            var fallback = DefaultAddress(type);
            if (fallback != address && await TryReadAsync(client, type, fallback, ct).ConfigureAwait(false) is { } atDefault)
                return new ToolResult(false, "wrong_address", $"Nothing answered at address {address}, but {atDefault.Summary} answers at address {fallback}.",
                    $"Set the address to {fallback} (or change the device's own address setting to {address}).", [.. facts, .. atDefault.Facts]);
            var other = type == "must" ? "em340" : "must";
            if (await TryReadAsync(client, other, DefaultAddress(other), ct).ConfigureAwait(false) is { } otherDevice)
                hint = $" On this port {otherDevice.Summary} answers at address {DefaultAddress(other)}: is this the other device's port?";
            return new ToolResult(false, "no_answer",
                $"Nothing answered at address {address} at {baud} baud within {ReplyTimeout.TotalSeconds:0.#} s.{hint}",
                $"Check that the device is powered and connected to this port, the address ({(type == "must" ? "a MUST answers at 10" : "an EM340 answers at 1 unless set otherwise on its display")}), " +
                "the baud (9600 by default) and, for RS485, the A/B wires (swap them if unsure).", facts);
        }
        catch (ModbusFrameException e)
        {
            return new ToolResult(false, "garbled", $"Something answered at address {address}, but the reply was garbled ({e.Message}).",
                $"Check the baud rate (the device's setting must match {baud}), the parity (8N1), RS485 termination, and that no second device uses address {address}.", facts);
        }
        catch (Exception e) when (e is ModbusSlaveException or UnexpectedDeviceException)
        {
            var other = type == "must" ? "em340" : "must";
            if (await TryReadAsync(client, other, address, ct).ConfigureAwait(false) is { } otherDevice)
                return new ToolResult(false, "wrong_device", $"Address {address} is {otherDevice.Summary}, not {Name(type)}.",
                    $"Choose type '{other}' for this port.", [.. facts, .. otherDevice.Facts]);
            return new ToolResult(false, "wrong_device", $"A device answered at address {address}, but it is not {Name(type)}: {e.Message}.",
                "Check that you picked the right port and address (another Modbus device may use this one).", facts);
        }
        catch (IOException e)
        {
            return new ToolResult(false, "port_failed", $"The port failed during the probe: {e.Message}.", "Check the adapter and its cable, press Refresh and probe again.", facts);
        }
    }

    private static async Task<(string Summary, IReadOnlyList<ToolFact> Facts)?> TryReadAsync(IModbusClient client, string type, byte address, CancellationToken ct)
    {
        try { return await ReadIdentityAsync(client, type, address, ct).ConfigureAwait(false); }
        catch (Exception e) when (e is ModbusError or IOException) { return null; }
    }

    private static async Task<(string Summary, IReadOnlyList<ToolFact> Facts)> ReadIdentityAsync(IModbusClient client, string type, byte address, CancellationToken ct)
    {
        if (type == "must")
        {
            var m = await MustIdentityReader.ReadAsync(client, address, ct).ConfigureAwait(false);
            return ($"a {MustReadingDecoder.Manufacturer} {MustReadingDecoder.Model} UPS ({m.RatedPowerWatts} W, {m.BatteryClassVolts} V battery)",
            [
                new("model", $"{MustReadingDecoder.Manufacturer} {MustReadingDecoder.Model} (machine type {m.MachineType})"),
                new("firmware", m.Firmware.ToString(CultureInfo.InvariantCulture)),
                new("serial", "not reported by this UPS"),
                new("rated power", $"{m.RatedPowerWatts} W"),
                new("battery", $"{m.BatteryClassVolts} V"),
                new("work state", m.WorkState.ToString()),
            ]);
        }
        var e = await Em340IdentityReader.ReadAsync(client, address, ct).ConfigureAwait(false);
        return ($"a {Em340RegisterMap.Manufacturer} {e.Model} meter{(e.Serial is null ? "" : $" (serial {e.Serial})")}",
        [
            new("model", $"{Em340RegisterMap.Manufacturer} {e.Model} (code {e.ModelCode})"),
            new("serial", e.Serial ?? "unknown"),
            new("firmware", e.Firmware ?? "unknown"),
            new("measurement mode", e.MeasurementMode?.ToString() ?? "unknown"),
        ]);
    }

    private ToolResult PermissionDenied(string device, List<ToolFact> facts)
    {
        var user = Environment.UserName;
        var group = DevicePath.GroupId(device) is { } gid ? UnixGroups.NameOf(gid) : null;
        return group is null
            ? new ToolResult(false, "permission_denied", $"The gateway (user '{user}') may not open {device}: permission denied.",
                $"Give user '{user}' access to {device} (usually: sudo usermod -aG dialout {user}), then restart the gateway (sudo systemctl restart gateway).", facts)
            : new ToolResult(false, "permission_denied", $"The gateway (user '{user}') may not open {device}: permission denied; the port belongs to group '{group}'.",
                $"Add the user to that group: sudo usermod -aG {group} {user}, then restart the gateway (sudo systemctl restart gateway).", facts);
    }

    private static ModbusTiming Timing(SerialSettings settings, string type) => ModbusTiming.For(settings, type == "em340" ? Em340Gap : TimeSpan.Zero);

    private static string Name(string type) => type == "must" ? "a MUST UPS" : "an EM340 meter";
}
