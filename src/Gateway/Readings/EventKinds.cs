namespace Gateway.Readings;

/// <summary>The stable names of <see cref="GatewayEvent.Kind"/> (used in JSON, MQTT and the event log).</summary>
public static class EventKinds
{
    public const string ServiceStarted = "service_started";
    public const string ServiceStopping = "service_stopping";
    public const string PowerLost = "power_lost";
    public const string PowerRestored = "power_restored";
    public const string DeviceLost = "device_lost";
    public const string DeviceStale = "device_stale";
    public const string DeviceBack = "device_back";
    public const string TriggerFired = "trigger_fired";
    public const string ShutdownStarted = "shutdown_started";
    public const string ShutdownCancelled = "shutdown_cancelled";
    public const string ShutdownStep = "shutdown_step";
    public const string ShutdownFinished = "shutdown_finished";
    public const string UpsPowerCycle = "ups_power_cycle";
    public const string LoadShed = "load_shed";
    public const string PowerRestore = "power_restore";
    public const string OutageReport = "outage_report";
    /// <summary>A scheduled battery self-test: data <c>phase</c> started, then passed, warning or failed, with the result.</summary>
    public const string BatterySelfTest = "battery_self_test";
    public const string PowerQuality = "power_quality";
    public const string Alarm = "alarm";
    /// <summary>The command gate refused a command (dangerous, busy or rate-limited); floods are summarised, not repeated.</summary>
    public const string CommandRefused = "command_refused";
}
