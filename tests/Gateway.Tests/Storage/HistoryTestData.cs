using Gateway.Drivers.Readings;

namespace Gateway.Tests.Storage;

/// <summary>Readings shaped like the real devices' (15 UPS values, 20+ meter values) and temp directories.</summary>
internal static class HistoryTestData
{
    public static readonly DateTimeOffset Start = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    public static UpsReading Ups(DateTimeOffset at, double charge = 100, string status = "OL", double inputVoltage = 230.4, string id = "ups") =>
        new(id, at, TimeSpan.FromSeconds(5), UpsStatus.Parse(status), new Dictionary<string, string>
        {
            [NutNames.BatteryCharge] = Fmt(charge),
            [NutNames.BatteryRuntime] = Fmt(charge * 36),
            [NutNames.BatteryVoltage] = "27.1",
            [NutNames.BatteryVoltageNominal] = "24",
            [NutNames.InputVoltage] = Fmt(inputVoltage),
            [NutNames.InputFrequency] = "50.02",
            [NutNames.InputVoltageNominal] = "230",
            [NutNames.OutputVoltage] = "230.1",
            [NutNames.OutputFrequency] = "50",
            [NutNames.OutputCurrent] = "1.7",
            [NutNames.UpsLoad] = "23",
            [NutNames.UpsRealPower] = "391",
            [NutNames.UpsPower] = "410",
            [NutNames.UpsPowerNominal] = "3000",
            [NutNames.UpsTemperature] = "31.5",
        });

    public static MeterReading Meter(DateTimeOffset at, double power = 1234.5, string id = "grid")
    {
        var phase = new MeterPhaseValues(231.2, 400.5, 1.83, power / 3, power / 3 + 12, 40.1, 0.97, 1201.3);
        return new MeterReading(id, at, TimeSpan.FromSeconds(5))
        {
            L1 = phase, L2 = phase, L3 = phase,
            Total = new MeterPhaseValues(null, null, null, power, power + 36, 120.3, 0.97, null),
            Frequency = 50.01, ImportEnergy = 3604.2, ExportEnergy = 12.5,
        };
    }

    public static string TempDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), "gw-history-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    public static void DeleteDir(string dir)
    {
        try { Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private static string Fmt(double v) => v.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
