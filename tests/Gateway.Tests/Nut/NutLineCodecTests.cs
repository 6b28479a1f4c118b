using Gateway.Drivers.Nut;

namespace Gateway.Tests.Nut;

public sealed class NutLineCodecTests
{
    private static List<string> Words(string line, bool strictHash = true)
    {
        var w = new List<string>();
        Assert.True(NutLineCodec.TryTokenize(line, w, out var e, strictHash), e);
        return w;
    }

    [Fact]
    public void Splits_quotes_escapes_and_comments_like_upsd()
    {
        Assert.Equal(["GET", "VAR", "ups", "x"], Words("  GET\tVAR ups   x  "));
        Assert.Equal(["SET", "VAR", "ups", "a", "b c"], Words("SET VAR ups a \"b c\""));
        Assert.Equal(["say", "a\"b", "c\\d"], Words("say \"a\\\"b\" c\\\\d"));
        Assert.Equal(["LIST", "UPS"], Words("LIST UPS # a comment"));
        Assert.Equal(["x", ""], Words("x \"\""));
        Assert.Equal(["a#b"], Words("\"a\\#b\""));
        Assert.Equal(["VAR", "u", "v", "a#b"], Words("VAR u v \"a#b\"", strictHash: false));
    }

    [Theory]
    [InlineData("GET VAR \"abc", "unbalanced quotes")]
    [InlineData("GET VAR \"a#b\"", "unescaped '#' inside quotes")]
    [InlineData("GET VAR x\\", "escape character at the end of the line")]
    public void Rejects_malformed_lines(string line, string reason)
    {
        Assert.False(NutLineCodec.TryTokenize(line, [], out var e));
        Assert.Equal(reason, e);
    }

    [Fact]
    public void Limits_words_and_word_length()
    {
        Assert.False(NutLineCodec.TryTokenize(string.Join(' ', Enumerable.Repeat("w", 33)), [], out _));
        Assert.Equal(32, Words(string.Join(' ', Enumerable.Repeat("w", 32))).Count);
        Assert.Equal(512, Words(new string('z', 700))[0].Length);
        Assert.Equal(["GETVAR"], Words("GET\u0001VAR\u00ff"));
    }

    [Theory]
    [InlineData("plain")]
    [InlineData("with \"quotes\" and \\ and # hash")]
    [InlineData("")]
    public void Quote_round_trips(string value)
    {
        Assert.Equal([value], Words(NutLineCodec.Quote(value)));
        Assert.Equal([value], Words(NutLineCodec.Word(value)));
    }
}
