using Gateway.Configuration;
using Gateway.DeviceTypes;
using Gateway.Drivers.Devices;
using Microsoft.Extensions.Logging;

namespace Gateway.Hosting;

/// <summary>Creates the driver for each configured device through its <see cref="DeviceType"/>.</summary>
public static class DeviceDriverFactory
{
    public static IDeviceDriver? Create(DeviceOptions device, IServiceProvider services, ILogger log)
    {
        if (DeviceTypeRegistry.Find(device.Type) is { } type) return type.CreateDriver(device, services, log);
        log.LogError("Device {Device}: type '{Type}' has no driver in this build; it stays unavailable", device.Id, device.Type);
        return null;
    }

    public static DeviceKind KindOf(DeviceOptions device) => device.IsUps ? DeviceKind.Ups : DeviceKind.Meter;
}
