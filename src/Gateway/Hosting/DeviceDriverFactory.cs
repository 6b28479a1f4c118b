using Gateway.Configuration;
using Gateway.Drivers.Devices;
using Microsoft.Extensions.Logging;

namespace Gateway.Hosting;

/// <summary>Creates the driver for each configured device. The one place that knows every device type.</summary>
public static class DeviceDriverFactory
{
    public static IDeviceDriver? Create(DeviceOptions device, IServiceProvider services, ILogger log)
    {
        switch (device)
        {
            case NutDeviceOptions nut:
                return new Gateway.Drivers.Nut.NutDeviceDriver(
                    new(nut.Id, nut.Host, nut.Port, nut.Ups, nut.Username, nut.Password, nut.PollInterval, nut.Timeout),
                    (TimeProvider?)services.GetService(typeof(TimeProvider)) ?? TimeProvider.System, log);
            default:
                log.LogError("Device {Device}: type '{Type}' has no driver in this build; it stays unavailable", device.Id, device.Type);
                return null;
        }
    }

    public static DeviceKind KindOf(DeviceOptions device) => device.IsUps ? DeviceKind.Ups : DeviceKind.Meter;
}
