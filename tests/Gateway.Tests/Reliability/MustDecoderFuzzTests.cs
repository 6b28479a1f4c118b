using System.Buffers.Binary;
using Gateway.Drivers.Must;
using Gateway.Drivers.Simulation;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace Gateway.Tests.Reliability;

/// <summary>
/// Random and mutated register blocks into the MUST decoder (main block 30000×27, slow block 31000×18). The
/// decoder documents no exception at all: a bad block is a null reading with a reason.
/// </summary>
[Trait("Category", "Reliability")]
public class MustDecoderFuzzTests(ITestOutputHelper output)
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private static readonly int[] LowBatteryPercents = [0, 20, 100, -1, int.MaxValue, int.MinValue];

    private readonly record struct Input(ushort[] Main, ushort[] Slow, int LowBattery)
    {
        public override string ToString() =>
            $"main {FuzzLoop.Hex(ToBytes(Main))}, slow {FuzzLoop.Hex(ToBytes(Slow))}, low battery {LowBattery}";
    }

    /// <summary>Blocks a real EP20 sends (from the simulator, in each state docs/reference/must.md describes).</summary>
    private static (ushort[] Main, ushort[] Slow)[] Seeds()
    {
        var seeds = new List<(ushort[], ushort[])>();
        var time = new FakeTimeProvider(Now);
        var sim = new MustSimulator(time, seed: 1);
        var slow = new ushort[MustRegisterMap.SlowCount];
        Assert.Null(sim.Read(Drivers.Modbus.ModbusFunction.ReadHoldingRegisters, MustRegisterMap.SlowStart, MustRegisterMap.SlowCount, slow));
        seeds.Add((sim.MainBlock(), slow));
        sim.LoseMains();
        time.Advance(TimeSpan.FromMinutes(5));
        seeds.Add((sim.MainBlock(), slow));
        sim.SetStateOfCharge(5);
        sim.SetOverload(true);
        sim.RaiseFault(64);
        seeds.Add((sim.MainBlock(), slow));
        sim.RestoreMains();
        sim.ClearFault();
        sim.SetOverload(false);
        for (ushort state = 1; state <= 8; state++)
        {
            sim.ForceWorkState(state);
            seeds.Add((sim.MainBlock(), slow[..10]));
        }
        return seeds.ToArray();
    }

    [Fact]
    public void RandomAndMutatedRegistersNeverThrowOrHang()
    {
        var seeds = Seeds();
        var mutator = new Mutator(20261126);
        var rnd = mutator.Random;
        var result = FuzzLoop.Run(
            i =>
            {
                var low = LowBatteryPercents[rnd.Next(LowBatteryPercents.Length)];
                if (i % 10 == 0)
                    return new Input(ToWords(mutator.RandomBytes(2 * 40)), ToWords(mutator.RandomBytes(2 * 20)), low);
                var (main, slow) = seeds[rnd.Next(seeds.Length)];
                // Mostly the main block (where the status bits live); sometimes the slow one, sometimes a bad word
                // value chosen where decoding branches (work state, load state, AVR, alarm bits, fault id, charge).
                var m = ToWords(mutator.Mutate(ToBytes(main)));
                var s = rnd.Next(4) == 0 ? ToWords(mutator.Mutate(ToBytes(slow))) : slow;
                if (rnd.Next(2) == 0 && m.Length > 0) m[rnd.Next(m.Length)] = Interesting[rnd.Next(Interesting.Length)];
                return new Input(m, s, low);
            },
            Decode,
            input => input.ToString(),
            _ => false);
        output.WriteLine($"MUST decoder: {result.Describe()}");
    }

    private static readonly ushort[] Interesting = [0, 1, 2, 3, 4, 8, 9, 0x7FFF, 0x8000, 0xFFFF, 77, 999];

    [Theory]
    // Edge blocks chosen by hand: empty, one register short, every register at its maximum, work state 0 and 9.
    [InlineData(0, 0)]
    [InlineData(26, 0x0003)]
    [InlineData(27, 0xFFFF)]
    [InlineData(27, 0x0000)]
    [InlineData(27, 0x0009)]
    [InlineData(45, 0x8000)]
    public void OddBlocksGiveAReasonNotAnException(int length, ushort fill)
    {
        var main = Enumerable.Repeat(fill, length).ToArray();
        Decode(new Input(main, main, 20));
        Decode(new Input(main, [], int.MaxValue));
    }

    private static void Decode(Input input)
    {
        var reading = MustReadingDecoder.Decode("ups", Now, TimeSpan.FromSeconds(15), input.Main, input.Slow, input.LowBattery, out var problem);
        if (reading is null)
        {
            Assert.False(string.IsNullOrEmpty(problem), "a rejected block must say why");
            return;
        }
        // What the rest of the gateway does with a reading: its status text and its metrics.
        Assert.NotNull(reading.Status.ToString());
        foreach (var m in reading.Metrics) Assert.NotNull(m.Key);
        _ = reading.BatteryCharge;
    }

    private static ushort[] ToWords(byte[] bytes)
    {
        var words = new ushort[bytes.Length / 2];
        for (var i = 0; i < words.Length; i++) words[i] = BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(2 * i));
        return words;
    }

    private static byte[] ToBytes(ushort[] words)
    {
        var bytes = new byte[2 * words.Length];
        for (var i = 0; i < words.Length; i++) BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(2 * i), words[i]);
        return bytes;
    }
}
