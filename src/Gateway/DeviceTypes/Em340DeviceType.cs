using Gateway.Configuration;
using Gateway.Drivers.Em340;
using Gateway.Drivers.Modbus;
using Gateway.HomeAssistant;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.DeviceTypes;

/// <summary><c>type: em340</c>: a Carlo Gavazzi EM340 meter (options: <see cref="Em340DeviceOptions"/>).</summary>
public static class Em340DeviceType
{
    public static readonly DeviceType Type = new(
        "em340",
        "{ port: /dev/ttyUSB0 }",
        Em340DeviceOptions.Bind,
        (o, services, log) => new Em340Driver(Settings((Em340DeviceOptions)o), services.GetRequiredService<TimeProvider>(), log,
            buses: services.GetRequiredService<ModbusBuses>()),
        _ => MeterEntities.ByMetric);

    public static Em340Settings Settings(Em340DeviceOptions o) =>
        new(o.Id, o.Serial.ToSettings(), (byte)o.Address, o.PollInterval, o.InterRequestDelay, o.EnergyInterval);
}
