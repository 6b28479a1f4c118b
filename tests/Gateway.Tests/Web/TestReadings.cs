using Gateway.Drivers.Readings;

namespace Gateway.Tests.Web;

/// <summary>Readings as the MUST and EM340 drivers produce them.</summary>
public static class TestReadings
{
    public static UpsReading Ups(string id, DateTimeOffset at, double charge = 95, double input = 230, double load = 35, double temp = 31,
        string status = "OL CHRG", string? alarm = null, Dictionary<string, string>? extra = null)
    {
        var vars = new Dictionary<string, string>
        {
            [NutNames.BatteryCharge] = UpsReading.FormatNumber(charge),
            [NutNames.BatteryRuntime] = "1800",
            [NutNames.BatteryVoltage] = "26.8",
            [NutNames.InputVoltage] = UpsReading.FormatNumber(input),
            [NutNames.InputFrequency] = "50",
            [NutNames.OutputVoltage] = "230",
            [NutNames.UpsLoad] = UpsReading.FormatNumber(load),
            [NutNames.UpsRealPower] = "210",
            [NutNames.UpsTemperature] = UpsReading.FormatNumber(temp),
            [NutNames.DeviceMfr] = "MUST",
            [NutNames.DeviceModel] = "EP20-1000 PRO",
        };
        if (alarm is not null) vars[NutNames.UpsAlarm] = alarm;
        foreach (var (k, v) in extra ?? []) vars[k] = v;
        var flags = UpsStatus.Parse(status);
        if (alarm is not null) flags = flags.With(UpsStatusFlags.ALARM);
        return new UpsReading(id, at, TimeSpan.FromMinutes(10), flags, vars);
    }

    public static MeterReading Meter(string id, DateTimeOffset at, double l1Power = 1200) => new(id, at, TimeSpan.FromMinutes(10))
    {
        L1 = new MeterPhaseValues(Voltage: 231.2, LineVoltage: 400.1, Current: 5.2, Power: l1Power, ApparentPower: 1250, ReactivePower: 80, PowerFactor: 0.96, ImportEnergy: 100.5),
        L2 = new MeterPhaseValues(Voltage: 229.8, LineVoltage: 399.5, Current: 1.1, Power: 250, ImportEnergy: 40),
        L3 = new MeterPhaseValues(Voltage: 230.4, LineVoltage: 401.0, Current: 0.4, Power: -90, ImportEnergy: 12),
        Total = new MeterPhaseValues(Voltage: 230.5, Current: 6.7, Power: l1Power + 160, PowerFactor: 0.95),
        Frequency = 50.01,
        ImportEnergy = 152.5,
        ExportEnergy = 3.25,
        ImportReactiveEnergy = 10.5,
        DemandPower = 1300,
    };
}
