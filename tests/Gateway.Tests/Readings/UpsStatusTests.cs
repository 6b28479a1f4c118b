using Gateway.Drivers.Readings;

namespace Gateway.Tests.Readings;

public class UpsStatusTests
{
    [Theory]
    [InlineData("OL CHRG", "OL CHRG")]
    [InlineData("ob dischrg lb", "OB LB DISCHRG")]
    [InlineData("LB OB FSD", "FSD OB LB")]
    [InlineData("  OL   TRIM ", "OL TRIM")]
    [InlineData("", "")]
    public void ParsesAndFormatsInNutOrder(string input, string expected) =>
        Assert.Equal(expected, UpsStatus.Parse(input).ToString());

    [Fact]
    public void NonStandardFlagsAreDroppedAndReported()
    {
        var unknown = new List<string>();
        var s = UpsStatus.Parse("OL ECO HE", unknown);
        Assert.Equal("OL", s.ToString());
        Assert.Equal(["ECO", "HE"], unknown);
    }

    [Fact]
    public void ReadingAlwaysCarriesItsStatusVariable()
    {
        var r = new UpsReading("u", DateTimeOffset.UnixEpoch, TimeSpan.FromSeconds(3), UpsStatus.Parse("OB DISCHRG"),
            new Dictionary<string, string> { [NutNames.UpsStatus] = "OL", [NutNames.InputVoltage] = "229.5", [NutNames.UpsModel] = "EP20" });
        Assert.Equal("OB DISCHRG", r.Variables[NutNames.UpsStatus]);
        Assert.True(r.Status.OnBattery);
        Assert.Equal([NutNames.InputVoltage, NutNames.UpsModel, NutNames.UpsStatus], r.Variables.Keys);
        var m = Assert.Single(r.Metrics);
        Assert.Equal(new Metric(NutNames.InputVoltage, 229.5, "V"), m);
    }

    [Theory]
    [InlineData("unknown", null)]
    [InlineData("000000", null)]
    [InlineData("  ", null)]
    [InlineData("ABC123", "ABC123")]
    public void SerialIgnoresPlaceholders(string serial, string? expected)
    {
        var r = new UpsReading("u", DateTimeOffset.UnixEpoch, TimeSpan.FromSeconds(3), default, new Dictionary<string, string> { [NutNames.UpsSerial] = serial });
        Assert.Equal(expected, r.Serial);
    }

    [Fact]
    public void MeterMetricsSkipMissingValues()
    {
        var r = new MeterReading("grid", DateTimeOffset.UnixEpoch, TimeSpan.FromSeconds(3))
        {
            L1 = new MeterPhaseValues(Voltage: 230.1, Power: -1500),
            Frequency = 50,
            ImportEnergy = 1234.567,
        };
        Assert.Equal(
            [new Metric("l1.voltage", 230.1, "V"), new Metric("l1.power", -1500, "W"), new Metric("frequency", 50, "Hz"), new Metric("import_energy", 1234.567, "kWh")],
            r.Metrics);
    }

    [Fact]
    public void Every_flag_set_says_its_flags_in_nut_order_each_time_it_is_asked()
    {
        for (var bits = 0; bits < 1 << UpsStatus.All.Count; bits += 37)
        {
            var status = new UpsStatus((UpsStatusFlags)UpsStatus.All.Where((f, i) => (bits & (1 << i)) != 0).Aggregate(0, (a, f) => a | (int)f.Flag));
            var expected = string.Join(' ', UpsStatus.All.Where(f => status.Has(f.Flag)).Select(f => f.Name));
            Assert.Equal(expected, status.ToString());
            Assert.Equal(expected, status.ToString());
            Assert.Equal(status, UpsStatus.Parse(status.ToString()));
        }
    }
}
