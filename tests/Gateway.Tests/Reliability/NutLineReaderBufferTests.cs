using System.Text;
using Gateway.Drivers.Nut;
using Gateway.NutServer;

namespace Gateway.Tests.Reliability;

/// <summary>The NUT line reader starts with a small buffer (1,000 idle clients must not hold 16 KB each) and grows it only as far as the line limit.</summary>
[Trait("Category", "Reliability")]
public sealed class NutLineReaderBufferTests
{
    [Fact]
    public async Task Lines_longer_than_the_initial_buffer_are_read_whole_up_to_the_limit_and_longer_ones_are_skipped()
    {
        var max = NutTcpServer.MaxLineLength;
        var text = new string('a', 5000) + "\n" + "GET VAR ups ups.status\r\n" + new string('b', max) + "\n" + new string('c', max + 1) + "\n" + "LIST UPS\n";
        var reader = new NutLineReader(new TrickleStream(Encoding.Latin1.GetBytes(text)), max);

        var results = new List<NutLineResult>();
        for (var i = 0; i < 6; i++) results.Add(await reader.ReadLineAsync(CancellationToken.None));

        Assert.Equal(new string('a', 5000), results[0].Line);
        Assert.Equal("GET VAR ups ups.status", results[1].Line);
        Assert.Equal(new string('b', max), results[2].Line);
        Assert.Equal(NutLineStatus.TooLong, results[3].Status);
        Assert.Equal("LIST UPS", results[4].Line);
        Assert.Equal(NutLineStatus.End, results[5].Status);
    }

    /// <summary>Hands out at most 700 bytes per read, so lines straddle reads and buffer boundaries.</summary>
    private sealed class TrickleStream(byte[] data) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, 700)], cancellationToken);
    }
}
