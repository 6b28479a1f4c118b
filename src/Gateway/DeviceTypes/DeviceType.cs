using Gateway.Configuration;
using Gateway.Drivers.Devices;
using Gateway.HomeAssistant;
using Microsoft.Extensions.Logging;

namespace Gateway.DeviceTypes;

/// <summary>
/// Everything the gateway needs to know about one device type, in one place: the word after <c>type:</c>, how
/// its configuration keys are read, how its driver is made, and what Home Assistant shows for it. The list of
/// them is <see cref="DeviceTypeRegistry.All"/>; nothing else in the gateway names a device type.
/// </summary>
/// <param name="Name">The value of <c>type:</c> in the configuration.</param>
/// <param name="Example">
/// The smallest valid device of this type, its keys besides id and type as a YAML flow mapping (<c>{ port: /dev/x }</c>);
/// the documentation check binds it to learn every key the type reads and finds each in config.yaml.example.
/// </param>
/// <param name="Bind">Reads the device's keys (after <c>id</c>, with the id); reports every problem on the section and returns null when the device cannot be used.</param>
/// <param name="CreateDriver">Options → driver. Serial devices take the host's <c>ModbusBuses</c> from the services so devices on one port share it.</param>
/// <param name="MeterEntities">
/// For devices that are not UPSes: the Home Assistant sensors by metric key, announced once the device reports
/// the value. UPS devices are announced by their NUT variables and leave this null.
/// </param>
public sealed record DeviceType(
    string Name,
    string Example,
    Func<ConfigSection, string, DeviceOptions?> Bind,
    Func<DeviceOptions, IServiceProvider, ILogger, IDeviceDriver> CreateDriver,
    Func<DeviceOptions, IReadOnlyDictionary<string, HaEntity>>? MeterEntities = null);
