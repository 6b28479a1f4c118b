using Gateway.Drivers.Modbus;
using Gateway.Drivers.Readings;

namespace Gateway.Drivers.Em340;

/// <summary>Pure decoding of EM340 registers: INT32 low word first, the "no value" markers, scaling, and the reading.</summary>
public static class Em340Decoder
{
    public const int NoValue32 = Em340RegisterMap.NoValue32;
    public const short NoValue16 = Em340RegisterMap.NoValue16;

    /// <summary>Signed 32-bit from two words, low word first (CDAB) unless <paramref name="highWordFirst"/>.</summary>
    public static int Int32(ushort first, ushort second, bool highWordFirst = false) =>
        highWordFirst ? (first << 16) | second : (second << 16) | first;

    /// <summary>
    /// The scaled value of one table row (through the generic decoder), or null for "no value" (overflow);
    /// the meter's own rule: a negative frequency is no value.
    /// </summary>
    public static double? Value(ModbusRegister register, IReadOnlyDictionary<ushort, ushort> image, bool highWordFirst = false)
    {
        var value = ModbusRegisterDecoder.Value(register, image, highWordFirst ? WordOrder.HighFirst : null);
        if (register.Key == MeterKeys.Frequency && value < 0) return null;
        return value;
    }

    /// <summary>A 3-decimal counter: integer part + thousandths; null when either part is missing or "no value".</summary>
    public static double? DecimalEnergy(ushort address, IReadOnlyDictionary<ushort, ushort> image, bool highWordFirst = false)
    {
        ushort a = address;
        if (!image.TryGetValue(a, out var i0) || !image.TryGetValue((ushort)(a + 1), out var i1) ||
            !image.TryGetValue((ushort)(a + 2), out var d0) || !image.TryGetValue((ushort)(a + 3), out var d1)) return null;
        var integer = Int32(i0, i1, highWordFirst);
        var thousandths = Int32(d0, d1, highWordFirst);
        if (integer == NoValue32 || thousandths == NoValue32 || thousandths is < 0 or > 999) return null;
        return integer + thousandths / 1000.0;
    }

    /// <summary>The serial number: one ASCII character per word (both bytes tried, NULs and non-printables dropped).</summary>
    public static string? SerialNumber(ReadOnlySpan<ushort> words)
    {
        var chars = new List<char>(words.Length * 2);
        foreach (var w in words)
        {
            foreach (var b in new[] { (byte)(w >> 8), (byte)w })
                if (b is >= 0x21 and < 0x7F) chars.Add((char)b);
        }
        return chars.Count >= 2 ? new string(chars.ToArray()) : null;
    }

    /// <summary>Version code 0 = "A", 1 = "B" …, then the revision: "A.3".</summary>
    public static string Firmware(ushort version, ushort revision) =>
        version < 26 ? $"{(char)('A' + version)}.{revision}" : $"{version}.{revision}";

    public static IReadOnlyDictionary<string, double?> Values(IReadOnlyDictionary<ushort, ushort> image, Em340Identity? identity)
    {
        var hw = identity?.HighWordFirst ?? false;
        var values = new Dictionary<string, double?>(StringComparer.Ordinal);
        foreach (var r in Em340RegisterMap.Measurements) values[r.Key] = Value(r, image, hw);
        if (identity?.HasDecimalEnergies == true)
        {
            foreach (var (address, key) in Em340RegisterMap.DecimalEnergies)
                if (DecimalEnergy(address, image, hw) is { } precise) values[key] = precise;
        }
        return values;
    }

    /// <summary>
    /// The value keys of each scope (l1, l2, l3, total) in <see cref="MeterPhaseValues"/> order, joined once rather
    /// than per reading; the total's import energy is the meter's own counter.
    /// </summary>
    private static readonly string[][] ScopeKeys = [.. new[] { "l1", "l2", "l3", MeterKeys.Total }.Select(s => new[]
    {
        MeterKeys.Of(s, MeterKeys.Voltage), MeterKeys.Of(s, MeterKeys.LineVoltage), MeterKeys.Of(s, MeterKeys.Current),
        MeterKeys.Of(s, MeterKeys.Power), MeterKeys.Of(s, MeterKeys.ApparentPower), MeterKeys.Of(s, MeterKeys.ReactivePower),
        MeterKeys.Of(s, MeterKeys.PowerFactor), s == MeterKeys.Total ? MeterKeys.ImportEnergy : MeterKeys.Of(s, MeterKeys.ImportEnergy),
    })];

    public static MeterReading ToReading(string deviceId, DateTimeOffset timestamp, TimeSpan maxAge, IReadOnlyDictionary<ushort, ushort> image, Em340Identity? identity)
    {
        var v = Values(image, identity);
        double? Get(string key) => v.TryGetValue(key, out var x) ? x : null;
        MeterPhaseValues Scope(string[] k) => new(Get(k[0]), Get(k[1]), Get(k[2]), Get(k[3]), Get(k[4]), Get(k[5]), Get(k[6]), Get(k[7]));
        var sequence = Get(Em340RegisterMap.PhaseSequenceKey);
        return new MeterReading(deviceId, timestamp, maxAge)
        {
            L1 = Scope(ScopeKeys[0]),
            L2 = Scope(ScopeKeys[1]),
            L3 = Scope(ScopeKeys[2]),
            Total = Scope(ScopeKeys[3]),
            Frequency = Get(MeterKeys.Frequency),
            ImportEnergy = Get(MeterKeys.ImportEnergy),
            ExportEnergy = Get(MeterKeys.ExportEnergy) is { } e ? Math.Abs(e) : null,
            ImportReactiveEnergy = Get(MeterKeys.ImportReactiveEnergy),
            ExportReactiveEnergy = Get(MeterKeys.ExportReactiveEnergy) is { } q ? Math.Abs(q) : null,
            DemandPower = Get(MeterKeys.DemandPower),
            PhaseSequence = sequence is null ? null : sequence == 0 ? "L1-L2-L3" : "L1-L3-L2",
            Manufacturer = Em340RegisterMap.Manufacturer,
            Model = identity?.Model,
            Serial = identity?.Serial,
            Firmware = identity?.Firmware,
        };
    }
}
