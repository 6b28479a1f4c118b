namespace Gateway.Drivers.Devices;

/// <summary>The outcome of an instant command sent to a device.</summary>
public enum DeviceCommandStatus { Ok, NotSupported, Failed, Unavailable }

/// <param name="Message">A human-readable reason, for logs and API replies.</param>
public readonly record struct DeviceCommandResult(DeviceCommandStatus Status, string? Message = null)
{
    public static DeviceCommandResult Ok() => new(DeviceCommandStatus.Ok);
    public static DeviceCommandResult NotSupported(string command) => new(DeviceCommandStatus.NotSupported, $"command '{command}' is not supported by this device");
    public static DeviceCommandResult Failed(string message) => new(DeviceCommandStatus.Failed, message);
    public static DeviceCommandResult Unavailable(string message) => new(DeviceCommandStatus.Unavailable, message);
}
