using Gateway.Configuration;
using Gateway.Drivers.Devices;
using Gateway.Drivers.Em340;
using Gateway.Drivers.Must;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gateway.Hosting;

/// <summary>Creates the driver for each configured device. The one place that knows every device type.</summary>
public static class DeviceDriverFactory
{
    public static IDeviceDriver? Create(DeviceOptions device, IServiceProvider services, ILogger log)
    {
        switch (device)
        {
            case MustDeviceOptions must:
                return new MustDriver(SerialDeviceSettings.ForMust(must), services.GetRequiredService<TimeProvider>(), log);
            case Em340DeviceOptions em340:
                return new Em340Driver(SerialDeviceSettings.ForEm340(em340), services.GetRequiredService<TimeProvider>(), log);
            default:
                log.LogError("Device {Device}: type '{Type}' has no driver in this build; it stays unavailable", device.Id, device.Type);
                return null;
        }
    }

    public static DeviceKind KindOf(DeviceOptions device) => device.IsUps ? DeviceKind.Ups : DeviceKind.Meter;
}
