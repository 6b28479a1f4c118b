using Gateway.Drivers.Readings;

namespace Gateway.DeviceCommands;

/// <summary>
/// Commands that write a device setting (which may live in EEPROM, so every needless write wears it): the setting
/// they change, for the rate limit, and the value a reading shows once the setting is in place.
/// </summary>
public static class SettingCommands
{
    private sealed record Setting(string Name, string Variable, string? DoneValue);

    private static readonly Dictionary<string, Setting> Map = new(StringComparer.Ordinal)
    {
        ["beeper.enable"] = new("beeper", NutNames.UpsBeeperStatus, "enabled"),
        ["beeper.disable"] = new("beeper", NutNames.UpsBeeperStatus, "disabled"),
        ["beeper.mute"] = new("beeper", NutNames.UpsBeeperStatus, "muted"),
        ["beeper.toggle"] = new("beeper", NutNames.UpsBeeperStatus, null),
    };

    public static bool IsSetting(string command) => Map.ContainsKey(command);

    /// <summary>What the rate limit counts: the setting for setting writes (enable and disable share one), else the command itself.</summary>
    public static string RateKey(string command) => Map.TryGetValue(command, out var s) ? s.Name : command;

    /// <summary>
    /// When <paramref name="reading"/> shows the device already in the state <paramref name="command"/> asks for,
    /// a sentence saying so; otherwise null.
    /// </summary>
    public static string? AlreadyInPlace(string command, UpsReading? reading)
    {
        if (reading is null || !Map.TryGetValue(command, out var s) || s.DoneValue is null) return null;
        var current = reading.Get(s.Variable);
        return string.Equals(current, s.DoneValue, StringComparison.OrdinalIgnoreCase)
            ? $"the device already reports {s.Variable} = {current}, so nothing was written"
            : null;
    }
}
