using Microsoft.Extensions.Logging;

namespace Gateway.Tests.Indicators;

/// <summary>No default pins (driving an unknown pin on a HAT is unsafe): an unset pin is one info line naming its key.</summary>
public class UnsetPinsTests
{
    [Theory]
    [InlineData(null, null, "Status LED and buzzer are off: gpio.led_pin and gpio.buzzer_pin are not set")]
    [InlineData(IndicatorRig.Led, null, "Buzzer is off: gpio.buzzer_pin is not set")]
    [InlineData(null, IndicatorRig.Buzz, "Status LED is off: gpio.led_pin is not set")]
    public async Task AnUnsetPinIsOneInfoLineNamingTheKey(int? led, int? buzzer, string expected)
    {
        await using var rig = new IndicatorRig(ledPin: led, buzzerPin: buzzer);
        await rig.StartAsync();
        var line = Assert.Single(rig.Log.Lines, l => l.Message.Contains("not set", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Information, line.Level);
        Assert.StartsWith(expected, line.Message);
        Assert.Contains("there is no default pin", line.Message);
    }
}
