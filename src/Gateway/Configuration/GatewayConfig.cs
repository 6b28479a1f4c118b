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
            var nutName = d switch { MustDeviceOptions m => m.NutName, NutDeviceOptions n => n.NutName, _ => null };
            if (nutName is not null && !nutNames.TryAdd(nutName, d.Id))
                ds.Error("nut_name", $"NUT name '{nutName}' is already used by device '{nutNames[nutName]}'");
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
                policySection.Error("protect", $"device '{protect}' is a {target.Type} meter, not a UPS (use a must or nut device)");
        }

        return new GatewayConfig
        {
            Gateway = gateway,
            Devices = devices,
            Mqtt = MqttOptions.Bind(root.Section("mqtt"), gateway.Name),
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
}
