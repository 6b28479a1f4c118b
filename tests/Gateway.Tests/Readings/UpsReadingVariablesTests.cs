using System.Globalization;
using Gateway.Drivers.Must;
using Gateway.Drivers.Readings;

namespace Gateway.Tests.Readings;

/// <summary>
/// A UPS reading's variables as upsd lists them (sorted by name, ordinal), whatever order the decoder gives them in;
/// the cheap number formatting says exactly what NUT's format did.
/// </summary>
public class UpsReadingVariablesTests
{
    private static readonly UpsStatus Online = new(UpsStatusFlags.OL);

    [Fact]
    public void Variables_list_in_ordinal_name_order_with_the_status_from_the_flags_whatever_order_they_arrive_in()
    {
        var given = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["ups.load"] = "12", ["battery.charge"] = "87", ["Zeta.upper"] = "z", ["input.voltage"] = "230.4",
            ["ups.status"] = "OB LB", ["battery.charge.low"] = "15", ["device.mfr"] = "MUST",
        };
        var r = new UpsReading("ups", DateTimeOffset.UnixEpoch, TimeSpan.FromSeconds(3), Online, given);
        var expected = given.Keys.Append("ups.status").Distinct().Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(expected, r.Variables.Keys.ToArray());
        Assert.Equal(expected, r.Variables.Select(kv => kv.Key).ToArray());
        Assert.Equal("OL", r.Get("ups.status"));
        Assert.Equal("230.4", r.Variables["input.voltage"]);
        Assert.Null(r.Get("input.frequency"));
        Assert.False(r.Variables.ContainsKey("Battery.charge"));
        Assert.Equal(7, r.Variables.Count);
        Assert.Equal(230.4, r.InputVoltage);
        Assert.Equal(["battery.charge", "battery.charge.low", "input.voltage", "ups.load"], r.Metrics.Select(m => m.Key).ToArray());
    }

    [Fact]
    public void A_must_reading_lists_its_variables_in_ordinal_order()
    {
        var main = new ushort[MustRegisterMap.MainCount];
        main[2] = 4; main[5] = 2304; main[17] = 87; main[18] = 33;
        var r = MustReadingDecoder.Decode("ups", DateTimeOffset.UnixEpoch, TimeSpan.FromSeconds(3), main, new ushort[MustRegisterMap.SlowCount], 15, out _)!;
        var keys = r.Variables.Keys.ToArray();
        Assert.Equal(keys.Order(StringComparer.Ordinal).ToArray(), keys);
        Assert.Contains(NutNames.UpsStatus, keys);
        Assert.Equal("230.4", r.Get(NutNames.InputVoltage));
    }

    [Fact]
    public void With_variables_adds_and_replaces_in_order_and_leaves_the_original_alone()
    {
        var r = new UpsReading("ups", DateTimeOffset.UnixEpoch, TimeSpan.FromSeconds(3), Online,
            new Dictionary<string, string> { ["battery.charge"] = "87", ["ups.load"] = "12" });
        var e = r.WithVariables(new("battery.runtime", "1800"), new("ups.load", "13"), new("aaa", "first"));
        Assert.Equal(["aaa", "battery.charge", "battery.runtime", "ups.load", "ups.status"], e.Variables.Keys.ToArray());
        Assert.Equal("13", e.Get("ups.load"));
        Assert.Equal(1800, e.BatteryRuntimeSeconds);
        Assert.Contains(e.Metrics, m => m.Key == "battery.runtime" && m.Value == 1800);
        Assert.Equal(["battery.charge", "ups.load", "ups.status"], r.Variables.Keys.ToArray());
        Assert.Equal("12", r.Get("ups.load"));
        Assert.Equal(r.Timestamp, e.Timestamp);
        Assert.Equal(r.Status, e.Status);
        Assert.Throws<ArgumentException>(() => r.WithVariables(KeyValuePair.Create("ups.status", "OB")));
    }

    [Fact]
    public void Format_number_says_what_the_custom_format_says_for_every_value_and_decimals()
    {
        static string Reference(double v, int d) => Math.Round(v, d).ToString("0.##########", CultureInfo.InvariantCulture);
        var rng = new Random(18);
        var values = new List<double> { 0, -0.0, 0.04, -0.04, 0.05, 0.15, 0.25, 2.675, 1.005, 999999999.95, 1e9, 1e15, 1e20, -1e20, 123456.789, 0.1 + 0.2 };
        for (var raw = -70000; raw <= 70000; raw++) values.AddRange([raw * 0.1, raw * 0.01, raw * 0.001, raw]);
        for (var i = 0; i < 100_000; i++) values.Add((rng.NextDouble() - 0.3) * Math.Pow(10, rng.Next(-4, 13)));
        foreach (var v in values)
            for (var d = 0; d <= 4; d++)
                Assert.True(Reference(v, d) == UpsReading.FormatNumber(v, d), $"{v:R} with {d} decimals: {Reference(v, d)} ≠ {UpsReading.FormatNumber(v, d)}");
    }
}
