namespace Gateway.Configuration;

/// <summary>The whole configuration, bound and validated. Built only by <see cref="ConfigLoader"/>.</summary>
public sealed record GatewayConfig
{
    public required GatewayOptions Gateway { get; init; }
    public required IReadOnlyList<DeviceOptions> Devices { get; init; }
    public required MqttOptions Mqtt { get; init; }
    public required NutServerOptions NutServer { get; init; }
    public required WebOptions Web { get; init; }
    public required HistoryOptions History { get; init; }
    public required PolicyOptions Policy { get; init; }
    public required ShutdownOptions Shutdown { get; init; }
    public required GpioOptions Gpio { get; init; }
    public required NotificationsOptions Notifications { get; init; }
    public required LoggingOptions Logging { get; init; }
    public BatteryOptions Battery { get; init; } = BatteryOptions.Default;
    /// <summary>The file it came from, or null when running on defaults.</summary>
    public string? SourcePath { get; init; }

    public DeviceOptions? FindDevice(string id) => Devices.FirstOrDefault(d => d.Id == id);

    /// <summary>The UPS the policy protects: <c>policy.protect</c>, or the only UPS device.</summary>
    public DeviceOptions? ProtectedUps => ProtectedUpsOf(Policy.Protect, Devices);

    private static DeviceOptions? ProtectedUpsOf(string? protect, IReadOnlyList<DeviceOptions> devices) =>
        protect is { } id ? devices.FirstOrDefault(d => d.Id == id) : devices.Count(d => d.IsUps) == 1 ? devices.First(d => d.IsUps) : null;

    public static readonly string[] SectionNames =
        ["gateway", "devices", "mqtt", "nut_server", "web", "history", "policy", "shutdown", "gpio", "notifications", "logging", "battery"];

    internal static GatewayConfig Bind(ConfigSection root)
    {
        var gateway = GatewayOptions.Bind(root.Section("gateway"));
        var deviceSections = root.Sections("devices");
        var devices = new List<DeviceOptions>(deviceSections.Count);
        var firstLine = new Dictionary<string, ConfigSection>(StringComparer.Ordinal);
        var nutNames = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var wires = new Dictionary<string, List<(ISerialDeviceOptions Device, ConfigSection Section)>>(StringComparer.Ordinal);
        foreach (var ds in deviceSections)
        {
            var d = DeviceOptions.Bind(ds);
            if (d is null) continue;
            if (d.Id.Length > 0 && firstLine.TryGetValue(d.Id, out var first))
            {
                var line = first.NodeOf("id")?.Start.Line ?? 0;
                ds.Error("id", $"duplicate device id '{d.Id}' (first defined at line {line})");
                continue;
            }
            firstLine[d.Id] = ds;
            var nutName = (d as IUpsDeviceOptions)?.NutName;
            if (nutName is not null && !nutNames.TryAdd(nutName, d.Id))
                ds.Error("nut_name", $"NUT name '{nutName}' is already used by device '{nutNames[nutName]}'");
            if (d is ISerialDeviceOptions serial && serial.Serial.Port.Length > 0) CheckSharedWire(serial, ds, wires);
            devices.Add(d);
        }

        var policySection = root.Section("policy");
        var policy = PolicyOptions.Bind(policySection);
        if (policy.Protect is { } protect)
        {
            var target = devices.FirstOrDefault(d => d.Id == protect);
            if (target is null)
                policySection.Error("protect", $"refers to unknown device '{protect}'" + (devices.Count > 0 ? $" (configured: {string.Join(", ", devices.Select(d => d.Id))})" : " (no devices are configured)"));
            else if (!target.IsUps)
                policySection.Error("protect", $"device '{protect}' is a {target.Type} meter, not a UPS (name a UPS device: {string.Join(", ", devices.Where(d => d.IsUps).Select(d => d.Id).DefaultIfEmpty("none is configured"))})");
        }

        return new GatewayConfig
        {
            Gateway = gateway,
            Devices = devices,
            Mqtt = MqttOptions.Bind(root.Section("mqtt"), gateway.Name, devices.Where(d => d.IsUps).Select(d => d.Id).ToList()),
            NutServer = NutServerOptions.Bind(root.Section("nut_server")),
            Web = WebOptions.Bind(root.Section("web")),
            History = HistoryOptions.Bind(root.Section("history")),
            Policy = policy,
            Shutdown = ShutdownOptions.Bind(root.Section("shutdown")),
            Gpio = GpioOptions.Bind(root.Section("gpio")),
            Notifications = NotificationsOptions.Bind(root.Section("notifications")),
            Logging = LoggingOptions.Bind(root.Section("logging")),
            Battery = BatteryOptions.Bind(root.Section("battery"), ProtectedUpsOf(policy.Protect, devices)),
        };
    }

    /// <summary>
    /// Devices on one port share one wire: they must agree on baud, parity and stop bits and have different Modbus
    /// addresses. Either mistake would make one of them fail in a way that looks like a wiring fault. A device in
    /// conflict is reported once and not compared with the devices after it.
    /// </summary>
    private static void CheckSharedWire(ISerialDeviceOptions d, ConfigSection ds, Dictionary<string, List<(ISerialDeviceOptions Device, ConfigSection Section)>> wires)
    {
        if (!wires.TryGetValue(d.Serial.Port, out var onWire)) wires[d.Serial.Port] = onWire = [];
        foreach (var (other, section) in onWire)
        {
            var line = section.NodeOf("port")?.Start.Line ?? 0;
            if (!other.Serial.SameLineSettings(d.Serial))
            {
                var key = other.Serial.Baud != d.Serial.Baud ? "baud" : other.Serial.Parity != d.Serial.Parity ? "parity" : "stop_bits";
                ds.Error(key, $"devices '{other.Id}' (line {line}) and '{d.Id}' share {d.Serial.Port} but '{other.Id}' uses {other.Serial.LineSettings} and '{d.Id}' {d.Serial.LineSettings}; "
                    + "one wire has one speed: set the same baud, parity and stop_bits on both (and on the devices themselves)");
                return;
            }
            if (other.Address == d.Address)
            {
                ds.Error(ds.Has("address") || !ds.Has("slave") ? "address" : "slave", $"devices '{other.Id}' (line {line}) and '{d.Id}' share {d.Serial.Port} and both use Modbus address {d.Address}; "
                    + "give each device on one wire its own address (set it on the device, then here)");
                return;
            }
        }
        onWire.Add((d, ds));
    }
}
