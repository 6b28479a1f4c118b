using System.Buffers.Binary;
using Gateway.Drivers.Em340;
using Gateway.Drivers.Simulation;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace Gateway.Tests.Reliability;

/// <summary>
/// Random and mutated register images into the EM340 decoder: measurements, 3-decimal energies, serial number,
/// firmware and the identity that selects the word order. The decoder documents no exception: missing or
/// "no value" registers become null values.
/// </summary>
[Trait("Category", "Reliability")]
public class Em340DecoderFuzzTests(ITestOutputHelper output)
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private static readonly ushort[] ModelCodes = [.. Em340RegisterMap.Models.Keys, 0, 0xFFFF];
    private static readonly ushort[] Interesting = [0, 1, 0x7FFF, 0x8000, 0xFFFF, 999, 1000, 25, 26];

    /// <summary>Every address the decoder or the identity probe looks at.</summary>
    private static readonly ushort[] Addresses =
    [
        .. Enumerable.Range(0, 0x52).Select(a => (ushort)a),
        .. Enumerable.Range(Em340RegisterMap.DecimalEnergyStart, Em340RegisterMap.DecimalEnergyCount).Select(a => (ushort)a),
        .. Enumerable.Range(Em340RegisterMap.SerialNumber, Em340RegisterMap.SerialNumberWords).Select(a => (ushort)a),
        Em340RegisterMap.VersionCode, Em340RegisterMap.VersionCode + 1, Em340RegisterMap.MeasurementMode,
    ];

    private readonly record struct Input(byte[] Image, ushort ModelCode, bool DecimalEnergies, bool Probed = true)
    {
        public override string ToString() => $"model {ModelCode}, decimals {DecimalEnergies}, probed {Probed}, image (address,value BE pairs) {FuzzLoop.Hex(Image)}";
    }

    private static byte[][] Seeds()
    {
        var time = new FakeTimeProvider(Now);
        var sim = new Em340Simulator(time, seed: 1);
        var seeds = new List<byte[]> { Encode(sim.Image()) };
        time.Advance(TimeSpan.FromHours(3));
        sim.LoseMains();
        seeds.Add(Encode(sim.Image()));
        seeds.Add(Encode(new Em340Simulator(time, seed: 2, decimalEnergies: false, serial: "X").Image()));
        // Every value "no value" (EEE on the display), and the V L1 example of docs/reference/em340.md (0x08FC, 0 = 230.0 V).
        seeds.Add(Encode(Addresses.ToDictionary(a => a, a => (ushort)(a % 2 == 0 ? 0xFFFF : 0x7FFF))));
        seeds.Add(Encode(new Dictionary<ushort, ushort> { [0] = 0x08FC, [1] = 0, [0x12] = 0xC568, [0x13] = 0xFFFF }));
        return seeds.ToArray();
    }

    [Fact]
    public void RandomAndMutatedImagesNeverThrowOrHang()
    {
        var seeds = Seeds();
        var mutator = new Mutator(20261127);
        var rnd = mutator.Random;
        var result = FuzzLoop.Run(
            i =>
            {
                byte[] image;
                if (i % 10 == 0)
                {
                    // Random values at the addresses that matter (random addresses would almost never hit one).
                    var dict = new Dictionary<ushort, ushort>();
                    foreach (var a in Addresses)
                        if (rnd.Next(8) != 0) dict[a] = rnd.Next(3) == 0 ? Interesting[rnd.Next(Interesting.Length)] : (ushort)rnd.Next(65536);
                    image = Encode(dict);
                }
                else
                {
                    image = mutator.Mutate(seeds[rnd.Next(seeds.Length)]);
                    if (image.Length >= 4 && rnd.Next(2) == 0)
                        BinaryPrimitives.WriteUInt16BigEndian(image.AsSpan(4 * rnd.Next(image.Length / 4) + 2), Interesting[rnd.Next(Interesting.Length)]);
                }
                var code = rnd.Next(4) == 0 ? (ushort)rnd.Next(65536) : ModelCodes[rnd.Next(ModelCodes.Length)];
                return new Input(image, code, rnd.Next(2) == 0, rnd.Next(4) != 0);
            },
            Decode,
            input => input.ToString(),
            _ => false);
        output.WriteLine($"EM340 decoder: {result.Describe()}");
    }

    [Theory]
    // Edge images chosen by hand: empty; INT32 minimum in V L1 and in the thousandths; frequency negative;
    // an energy whose thousandths are 1000; firmware version code 0xFFFF; a serial of non-printables.
    [InlineData("", 341, true)]
    [InlineData("0000000000010080", 341, false)]
    [InlineData("0000800000010000", 340, false)]
    [InlineData("00338000", 341, false)]
    [InlineData("0400000104010000040203E804030000", 341, true)]
    [InlineData("0302FFFF0303FFFF", 341, true)]
    [InlineData("5000000150011F1F50027F7F", 341, true)]
    public void OddImagesGiveNullsNotExceptions(string hex, int model, bool decimals)
    {
        Decode(new Input(Convert.FromHexString(hex), (ushort)model, decimals));
        Decode(new Input(Convert.FromHexString(hex), (ushort)model, decimals, Probed: false));
    }

    private static void Decode(Input input)
    {
        var image = Decode(input.Image);
        // What Em340Driver.VerifyAsync derives from the probe reads.
        var serial = Words(image, Em340RegisterMap.SerialNumber, Em340RegisterMap.SerialNumberWords);
        var version = Words(image, Em340RegisterMap.VersionCode, 2);
        var mode = Words(image, Em340RegisterMap.MeasurementMode, 1);
        var model = Em340RegisterMap.Models.TryGetValue(input.ModelCode, out var name) ? name : "unknown";
        var identity = new Em340Identity(input.ModelCode, model,
            serial is null ? null : Em340Decoder.SerialNumber(serial),
            version is null ? null : Em340Decoder.Firmware(version[0], version[1]),
            mode is null ? null : mode[0] == 0 ? 'A' : 'B',
            input.DecimalEnergies);
        if (identity.Serial is { } s) Assert.All(s, c => Assert.InRange(c, '!', '~'));

        // Before the identity probe has succeeded the driver decodes with no identity.
        var reading = Em340Decoder.ToReading("meter", Now, TimeSpan.FromSeconds(5), image, input.Probed ? identity : null);
        foreach (var m in reading.Metrics) Assert.True(double.IsFinite(m.Value), m.Key);
        Assert.True(reading.ExportEnergy is null or >= 0);
    }

    private static ushort[]? Words(Dictionary<ushort, ushort> image, ushort start, int count)
    {
        var words = new ushort[count];
        for (var i = 0; i < count; i++)
            if (!image.TryGetValue((ushort)(start + i), out words[i])) return null;
        return words;
    }

    private static byte[] Encode(IReadOnlyDictionary<ushort, ushort> image)
    {
        var bytes = new byte[4 * image.Count];
        var i = 0;
        foreach (var (address, value) in image.OrderBy(p => p.Key))
        {
            BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(i), address);
            BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(i + 2), value);
            i += 4;
        }
        return bytes;
    }

    private static Dictionary<ushort, ushort> Decode(byte[] bytes)
    {
        var image = new Dictionary<ushort, ushort>(bytes.Length / 4);
        for (var i = 0; i + 4 <= bytes.Length; i += 4)
            image[BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(i))] = BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(i + 2));
        return image;
    }
}
