using Gateway.DeviceTypes.ModbusTable;

namespace Gateway.DeviceTypes;

/// <summary>
/// The device types this build knows, as a table (no reflection scanning, so native AOT sees every type). Adding
/// a device type adds one entry here; see docs/adding-a-device.md.
/// </summary>
public static class DeviceTypeRegistry
{
    public static readonly IReadOnlyList<DeviceType> All =
    [
        MustDeviceType.Type,
        Em340DeviceType.Type,
        NutDeviceType.Type,
        ModbusTableDeviceType.Type,
    ];

    /// <summary>The <c>type:</c> names, in the order above.</summary>
    public static string[] Names => [.. All.Select(t => t.Name)];

    public static DeviceType? Find(string name) => All.FirstOrDefault(t => t.Name == name);
}
