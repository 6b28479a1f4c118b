using Gateway.Drivers.Readings;

namespace Gateway.HomeAssistant;

/// <summary>The Home Assistant entities of a UPS, as a table: state-document key → NUT variable and HA metadata.</summary>
public static class UpsEntities
{
    public const string Status = "status";
    public const string Power = "power";
    public const string LowBattery = "battery_low";
    public const string Problem = "problem";
    public const string BeeperToggle = "beeper_toggle";
    public const string BatteryTest = "battery_test";

    /// <summary>Numeric and text values read straight from a NUT variable. Announced once the device reports them.</summary>
    public static IReadOnlyList<(HaEntity Entity, string Variable, bool Numeric)> Values { get; } =
    [
        (Sensor("battery_charge", "Battery charge", "battery", "%", 0), NutNames.BatteryCharge, true),
        (Sensor("battery_runtime", "Battery runtime", "duration", "s", 0), NutNames.BatteryRuntime, true),
        (Sensor("battery_voltage", "Battery voltage", "voltage", "V", 1), NutNames.BatteryVoltage, true),
        (Sensor("battery_temperature", "Battery temperature", "temperature", "°C", 1), NutNames.BatteryTemperature, true),
        (Sensor("input_voltage", "Input voltage", "voltage", "V", 1), NutNames.InputVoltage, true),
        (Sensor("input_frequency", "Input frequency", "frequency", "Hz", 1), NutNames.InputFrequency, true),
        (Sensor("output_voltage", "Output voltage", "voltage", "V", 1), NutNames.OutputVoltage, true),
        (Sensor("output_frequency", "Output frequency", "frequency", "Hz", 1), NutNames.OutputFrequency, true),
        (Sensor("output_current", "Output current", "current", "A", 2), NutNames.OutputCurrent, true),
        (Sensor("load", "Load", null, "%", 0) with { Icon = "mdi:gauge" }, NutNames.UpsLoad, true),
        (Sensor("real_power", "Real power", "power", "W", 0), NutNames.UpsRealPower, true),
        (Sensor("apparent_power", "Apparent power", "apparent_power", "VA", 0), NutNames.UpsPower, true),
        (Sensor("temperature", "Temperature", "temperature", "°C", 1), NutNames.UpsTemperature, true),
        (new HaEntity { Component = HaComponents.Sensor, Key = "beeper_status", Name = "Beeper", Icon = "mdi:volume-high", EntityCategory = "diagnostic" }, NutNames.UpsBeeperStatus, false),
        (new HaEntity { Component = HaComponents.Sensor, Key = "alarm", Name = "Alarm", Icon = "mdi:alert" }, NutNames.UpsAlarm, false),
        // Only UPSes whose runtime the gateway estimates report it: says that "Battery runtime" is an estimate, and from what.
        (new HaEntity { Component = HaComponents.Sensor, Key = "runtime_estimated_from", Name = "Battery runtime estimated from (runtimecal)", Icon = "mdi:calculator", EntityCategory = "diagnostic" },
            Gateway.Readings.RuntimeEstimator.MarkerVariable, false),
    ];

    /// <summary>Entities every UPS has from the start (status is always reported).</summary>
    public static IReadOnlyList<HaEntity> Always { get; } =
    [
        new() { Component = HaComponents.Sensor, Key = Status, Name = "Status", Icon = "mdi:information-outline" },
        new() { Component = HaComponents.BinarySensor, Key = Power, Name = "Mains power", DeviceClass = "power" },
        new() { Component = HaComponents.BinarySensor, Key = LowBattery, Name = "Low battery", DeviceClass = "battery" },
        new() { Component = HaComponents.BinarySensor, Key = Problem, Name = "Problem", DeviceClass = "problem" },
    ];

    /// <summary>Buttons, offered only when the device's command list supports them.</summary>
    public static IEnumerable<HaEntity> Buttons(IReadOnlyList<string> commands)
    {
        if (BeeperCommand(commands, null) is not null)
            yield return new HaEntity { Component = HaComponents.Button, Key = BeeperToggle, Name = "Beeper toggle", EntityCategory = "config", Icon = "mdi:volume-off" };
        if (BatteryTestCommand(commands) is not null)
            yield return new HaEntity { Component = HaComponents.Button, Key = BatteryTest, Name = "Battery test", EntityCategory = "config", Icon = "mdi:battery-check" };
    }

    /// <summary>The NUT command for the beeper toggle button; with only enable/disable, chosen from the current beeper status.</summary>
    public static string? BeeperCommand(IReadOnlyList<string> commands, string? beeperStatus)
    {
        if (commands.Contains("beeper.toggle")) return "beeper.toggle";
        var canEnable = commands.Contains("beeper.enable");
        var canDisable = commands.Contains("beeper.disable") || commands.Contains("beeper.mute");
        if (!canEnable || !canDisable) return null;
        var disable = commands.Contains("beeper.disable") ? "beeper.disable" : "beeper.mute";
        return string.Equals(beeperStatus, "enabled", StringComparison.OrdinalIgnoreCase) ? disable : "beeper.enable";
    }

    public static string? BatteryTestCommand(IReadOnlyList<string> commands) =>
        commands.Contains("test.battery.start.quick") ? "test.battery.start.quick"
        : commands.Contains("test.battery.start") ? "test.battery.start"
        : null;

    private static HaEntity Sensor(string key, string name, string? deviceClass, string unit, int precision) => new()
    {
        Component = HaComponents.Sensor, Key = key, Name = name, DeviceClass = deviceClass, Unit = unit, StateClass = "measurement", Precision = precision,
    };
}
