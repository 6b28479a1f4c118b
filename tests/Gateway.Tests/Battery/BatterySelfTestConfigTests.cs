using Gateway.Configuration;

namespace Gateway.Tests.Battery;

/// <summary><c>battery.self_test</c>: every bad value is an error naming the file, line, key and the fix.</summary>
public sealed class BatterySelfTestConfigTests
{
    private const string NutUps = "devices:\n  - { id: rack, type: nut, host: 127.0.0.1, ups: ups }\n";

    private static ConfigLoadResult Load(string yaml) => ConfigLoader.LoadText(yaml, "gw.yaml", new Dictionary<string, string>(), []);

    [Theory]
    [InlineData("25:00")]
    [InlineData("12:60")]
    [InlineData("3am")]
    [InlineData("03:00:00")]
    [InlineData("noon")]
    [InlineData("")]
    public void An_invalid_time_of_day_is_an_error_at_its_line_saying_the_format(string at)
    {
        var r = Load(NutUps + "battery:\n  self_test:\n    enabled: true\n    at: \"" + at + "\"\n");
        var e = Assert.Single(r.Errors);
        Assert.Equal("battery.self_test.at", e.Key);
        Assert.Equal(6, e.Line);
        Assert.Equal($"expected the local time of day for the self-test as HH:MM, 24-hour (e.g. \"03:00\"), got '{at}'", e.Message);
        Assert.Null(r.Config);
    }

    [Theory]
    [InlineData("3:00", 3, 0)]
    [InlineData("03:30", 3, 30)]
    [InlineData("23:59", 23, 59)]
    public void A_valid_time_of_day_is_taken(string at, int hour, int minute)
    {
        var r = Load(NutUps + $"battery:\n  self_test: {{ enabled: true, at: \"{at}\" }}\n");
        Assert.Empty(r.Problems);
        Assert.Equal(new TimeOnly(hour, minute), r.Config!.Battery.SelfTest.At);
    }

    [Theory]
    [InlineData("interval: 12h", "battery.self_test.interval", "must be between 1d and 366d, got 12h")]
    [InlineData("interval: monthly", "battery.self_test.interval", "monthly")]
    [InlineData("timeout: 30s", "battery.self_test.timeout", "must be between 1m and 2h, got 30s")]
    [InlineData("enabled: maybe", "battery.self_test.enabled", "expected true or false, got 'maybe'")]
    [InlineData("enable: true", "battery.self_test.enable", "unknown key (did you mean 'enabled'?)")]
    public void Every_other_self_test_key_is_checked_too(string line, string key, string words)
    {
        var r = Load(NutUps + "battery:\n  self_test:\n    " + line + "\n");
        var e = Assert.Single(r.Errors);
        Assert.Equal(key, e.Key);
        Assert.Contains(words, e.Message);
        Assert.Equal(5, e.Line);
    }

    [Fact]
    public void Self_tests_for_a_ups_that_is_not_a_nut_ups_are_a_warning_that_says_none_will_run()
    {
        var r = Load("devices:\n  - { id: ups, type: must, port: /dev/ttyUSB0 }\nbattery:\n  self_test: { enabled: true }\n");
        var w = Assert.Single(r.Problems);
        Assert.True(w.IsWarning);
        Assert.Equal("battery.self_test.enabled", w.Key);
        Assert.Contains("the protected UPS 'ups' is a must UPS: none will run", w.Message);
        Assert.NotNull(r.Config);

        Assert.Empty(Load(NutUps + "battery:\n  self_test: { enabled: true }\n").Problems);
    }
}
