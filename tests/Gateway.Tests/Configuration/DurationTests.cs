using Gateway.Configuration;

namespace Gateway.Tests.Configuration;

public class DurationTests
{
    [Theory]
    [InlineData("0", 0)]
    [InlineData("500ms", 0.5)]
    [InlineData("90s", 90)]
    [InlineData("10m", 600)]
    [InlineData("10min", 600)]
    [InlineData("1h", 3600)]
    [InlineData("1d", 86400)]
    [InlineData("1h30m", 5400)]
    [InlineData("1.5s", 1.5)]
    [InlineData(" 2s ", 2)]
    public void Parses(string text, double seconds)
    {
        Assert.True(Duration.TryParse(text, out var v));
        Assert.Equal(TimeSpan.FromSeconds(seconds), v);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    [InlineData("10")]
    [InlineData("s")]
    [InlineData("10 s")]
    [InlineData("-5s")]
    [InlineData("5x")]
    [InlineData("5sec")]
    [InlineData("1e3s")]
    [InlineData("99999999999999999999d")]
    public void Rejects(string? text)
    {
        Assert.False(Duration.TryParse(text, out _));
    }

    [Theory]
    [InlineData(90, "1m30s")]
    [InlineData(600, "10m")]
    [InlineData(0.5, "500ms")]
    [InlineData(0, "0")]
    [InlineData(93784, "1d2h3m4s")]
    public void FormatsRoundTrip(double seconds, string text)
    {
        Assert.Equal(text, Duration.Format(TimeSpan.FromSeconds(seconds)));
        Assert.True(Duration.TryParse(text, out var back));
        Assert.Equal(TimeSpan.FromSeconds(seconds), back);
    }
}
