using Gateway.Configuration;
using Gateway.Drivers.Modbus;
using Gateway.Drivers.Must;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.DeviceTypes;

/// <summary><c>type: must</c>: a MUST EP20 UPS (options: <see cref="MustDeviceOptions"/>).</summary>
public static class MustDeviceType
{
    public static readonly DeviceType Type = new(
        "must",
        "{ port: /dev/ttyUSB0 }",
        MustDeviceOptions.Bind,
        (o, services, log) => new MustDriver(Settings((MustDeviceOptions)o), services.GetRequiredService<TimeProvider>(), log,
            buses: services.GetRequiredService<ModbusBuses>()));

    public static MustSettings Settings(MustDeviceOptions o) =>
        new(o.Id, o.Serial.ToSettings(), (byte)o.Slave, o.PollInterval, o.SlowPollInterval, o.LowBatteryPercent, o.StatusInterval, o.MainsPollInterval);
}
