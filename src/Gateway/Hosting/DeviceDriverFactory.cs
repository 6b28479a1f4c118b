using Gateway.Configuration;
using Gateway.Drivers.Devices;
using Gateway.Drivers.Em340;
using Gateway.Drivers.Modbus;
using Gateway.Drivers.Must;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gateway.Hosting;

/// <summary>Creates the driver for each configured device. The one place that knows every device type.</summary>
public static class DeviceDriverFactory
{
    /// <summary>Serial devices on the same port path share one bus from <see cref="ModbusBuses"/> (one per host).</summary>
    public static IDeviceDriver? Create(DeviceOptions device, IServiceProvider services, ILogger log)
    {
        var buses = services.GetRequiredService<ModbusBuses>();
        switch (device)
        {
            case MustDeviceOptions must:
                return new MustDriver(SerialDeviceSettings.ForMust(must), services.GetRequiredService<TimeProvider>(), log, buses: buses);
            case Em340DeviceOptions em340:
                return new Em340Driver(SerialDeviceSettings.ForEm340(em340), services.GetRequiredService<TimeProvider>(), log, buses: buses);
            case NutDeviceOptions nut:
                return new Gateway.Drivers.Nut.NutDeviceDriver(
                    new(nut.Id, nut.Host, nut.Port, nut.Ups, nut.Username, nut.Password, nut.PollInterval, nut.Timeout,
                        nut.Tls ? new Gateway.Drivers.Nut.NutTlsSettings(nut.TlsCaFile, nut.TlsFingerprint) : null),
                    services.GetRequiredService<TimeProvider>(), log);
            default:
                log.LogError("Device {Device}: type '{Type}' has no driver in this build; it stays unavailable", device.Id, device.Type);
                return null;
        }
    }

    public static DeviceKind KindOf(DeviceOptions device) => device.IsUps ? DeviceKind.Ups : DeviceKind.Meter;
}
