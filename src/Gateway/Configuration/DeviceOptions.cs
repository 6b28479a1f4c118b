namespace Gateway.Configuration;

/// <summary>One entry of <c>devices:</c>. Every device has an <c>id</c> and a <c>type</c>; the rest depends on the type.</summary>
public abstract record DeviceOptions : IFingerprinted
{
    void IFingerprinted.WriteFingerprint(FingerprintWriter w)
    {
        w.Add("id", Id);
        w.Add("type", Type);
        w.Add("name", Name);
        w.Add("poll_interval", PollInterval);
        w.Add("allowed_dangerous_commands", AllowedDangerousCommands);
        w.Add("command_interval", CommandInterval);
        WriteDeviceFingerprint(w);
    }

    /// <summary>Writes the settings of the device's own type (<see cref="IFingerprinted"/>).</summary>
    protected abstract void WriteDeviceFingerprint(FingerprintWriter w);

    public required string Id { get; init; }
    public abstract string Type { get; }
    /// <summary>A friendly name for dashboards and Home Assistant; defaults to the id.</summary>
    public string? Name { get; init; }
    public TimeSpan PollInterval { get; init; }
    public string DisplayName => string.IsNullOrWhiteSpace(Name) ? Id : Name!;

    /// <summary>
    /// Commands that cut power or load (<c>shutdown.*</c>, <c>load.*</c>) that may be sent to this device; every
    /// other dangerous command is refused on every path (NUT, API, MQTT), whoever asks.
    /// </summary>
    public IReadOnlyList<string> AllowedDangerousCommands { get; init; } = [];

    /// <summary>The least time between two runs of the same command (or two writes of the same setting) on this device.</summary>
    public TimeSpan CommandInterval { get; init; } = DefaultCommandInterval;

    public static readonly TimeSpan DefaultCommandInterval = TimeSpan.FromSeconds(5);

    /// <summary>Whether this device produces UPS readings (and is served by the NUT server).</summary>
    public abstract bool IsUps { get; }

    /// <summary>The <c>type:</c> names this build knows (<see cref="DeviceTypes.DeviceTypeRegistry"/>).</summary>
    public static string[] Types => DeviceTypes.DeviceTypeRegistry.Names;

    /// <summary><c>runtimecal</c> of a UPS device: "" or "off" turns the estimate off.</summary>
    internal static RuntimeCalibration? BindRuntimeCal(ConfigSection s, RuntimeCalibration? defaultValue)
    {
        var text = s.OptionalString("runtimecal");
        if (text is null) return defaultValue;
        if (text.Length == 0 || text.Equals("off", StringComparison.OrdinalIgnoreCase)) return null;
        var cal = RuntimeCalibration.Parse(text, out var error);
        if (cal is null) s.Error("runtimecal", error!);
        return cal;
    }

    internal static DeviceOptions? Bind(ConfigSection s)
    {
        var id = s.RequiredString("id");
        if (id.Length > 0 && !GatewayOptions.IdPattern().IsMatch(id))
            s.Error("id", $"must be lower-case letters, digits, '-' or '_' (it is used in MQTT topics and Home Assistant ids), got '{id}'");
        if (!s.Has("type"))
        {
            s.Context.Error(s.Anchor, s.KeyPath("type"), $"is required: one of {string.Join(", ", Types)}");
            s.SkipUnknownKeyCheck();
            return null;
        }
        var type = DeviceTypes.DeviceTypeRegistry.Find(s.Choice("type", "", Types));
        var d = type?.Bind(s, id);
        if (d is null)
        {
            s.SkipUnknownKeyCheck();
            return null;
        }
        return d with
        {
            AllowedDangerousCommands = BindAllowedDangerousCommands(s),
            CommandInterval = s.Duration("command_interval", DefaultCommandInterval, TimeSpan.Zero, TimeSpan.FromHours(1)),
        };
    }

    private static IReadOnlyList<string> BindAllowedDangerousCommands(ConfigSection s)
    {
        const string key = "allowed_dangerous_commands";
        var names = s.Strings(key, []);
        foreach (var name in names)
        {
            if (name.Contains('*', StringComparison.Ordinal) || name.Equals("all", StringComparison.OrdinalIgnoreCase))
                s.Error(key, $"'{name}': list each command by name (e.g. shutdown.return); wildcards and 'all' are not accepted for commands that cut power");
            else if (!DeviceCommands.DangerousCommands.IsDangerous(name))
                s.Warning(key, $"'{name}' is not a dangerous command (only shutdown.* and load.* need to be listed here); the entry has no effect");
        }
        return names;
    }
}
