using Gateway.Web;

namespace Gateway.Tests.Web;

public sealed class TimeRangeTests
{
    private static readonly DateTimeOffset Now = new(2026, 5, 1, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("now", "2026-05-01T12:00:00Z")]
    [InlineData("-1h", "2026-05-01T11:00:00Z")]
    [InlineData("-90m", "2026-05-01T10:30:00Z")]
    [InlineData("-1d12h", "2026-04-30T00:00:00Z")]
    [InlineData("2026-04-30T08:15:00Z", "2026-04-30T08:15:00Z")]
    [InlineData("2026-04-30T10:15:00+02:00", "2026-04-30T08:15:00Z")]
    [InlineData("2026-04-30T10:15:00 02:00", "2026-04-30T08:15:00Z")]
    [InlineData("2026-04-30", "2026-04-30T00:00:00Z")]
    [InlineData("1777593600", "2026-05-01T00:00:00Z")]
    public void Parses_absolute_relative_and_unix_times(string text, string expected)
    {
        Assert.True(TimeRange.TryParse(text, Now, default, out var value, out var error), error);
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), value);
        Assert.Equal(TimeSpan.Zero, value.Offset);
    }

    [Theory]
    [InlineData("yesterday")]
    [InlineData("-")]
    [InlineData("-1y")]
    [InlineData("-500d")]
    [InlineData("+1h")]
    [InlineData("2026-02-30T00:00:00Z")]
    public void Rejects_anything_else_with_a_reason(string text)
    {
        Assert.False(TimeRange.TryParse(text, Now, default, out _, out var error));
        Assert.Contains(text, error);
    }

    [Fact]
    public void Missing_means_the_fallback()
    {
        Assert.True(TimeRange.TryParse(null, Now, Now.AddHours(-1), out var v, out _));
        Assert.Equal(Now.AddHours(-1), v);
    }
}
