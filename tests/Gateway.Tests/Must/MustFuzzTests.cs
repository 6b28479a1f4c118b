using CsCheck;
using Gateway.Drivers.Em340;
using Gateway.Drivers.Must;

namespace Gateway.Tests.Must;

public class MustFuzzTests
{
    [Fact]
    public void Any_register_values_decode_to_a_reading_or_a_counted_rejection_never_an_exception()
    {
        Gen.UShort.Array[0, 30].Select(Gen.UShort.Array[0, 20], Gen.Int[0, 100]).Sample((main, slow, low) =>
        {
            var reading = MustReadingDecoder.Decode("ups", DateTimeOffset.UnixEpoch, TimeSpan.FromSeconds(3), main, slow, low, out var problem);
            Assert.True(reading is not null ^ problem is not null);
            if (reading is not null) Assert.False(string.IsNullOrEmpty(reading.Get("ups.status")) && reading.Status.Flags != 0);
        }, iter: 20000);
    }

    [Fact]
    public void Any_em340_register_image_decodes_without_an_exception()
    {
        Gen.UShort.Array[0x60].Select(Gen.Bool.Array[0x60], Gen.Bool).Sample((values, present, decimals) =>
        {
            var image = new Dictionary<ushort, ushort>();
            for (var i = 0; i < values.Length; i++) if (present[i]) image[(ushort)i] = values[i];
            var identity = new Em340Identity(341, "EM340", null, null, 'B', decimals);
            var r = Em340Decoder.ToReading("grid", DateTimeOffset.UnixEpoch, TimeSpan.FromSeconds(3), image, identity);
            Assert.All(r.Metrics, m => Assert.True(double.IsFinite(m.Value)));
        }, iter: 5000);
    }
}
