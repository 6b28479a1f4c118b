using System.Buffers.Binary;

namespace Gateway.Drivers.Modbus;

/// <summary>
/// Register words → value: type, word order, "no value" marker, scale. One decoder for every table; it takes
/// any words and returns null rather than throwing (a missing word, a marker, a NaN or infinite float).
/// </summary>
public static class ModbusRegisterDecoder
{
    /// <summary>The raw value before scaling (as an integer or float), or null when a word is missing.</summary>
    public static double? Raw(ModbusRegister r, IReadOnlyDictionary<ushort, ushort> words, WordOrder? order = null)
    {
        if (!words.TryGetValue(r.Address, out var w0)) return null;
        switch (r.Type)
        {
            case RegisterType.U16: return w0;
            case RegisterType.S16: return (short)w0;
        }
        if (!words.TryGetValue((ushort)(r.Address + 1), out var w1)) return null;
        var (hi, lo) = (order ?? r.WordOrder) == WordOrder.HighFirst ? (w0, w1) : (w1, w0);
        var bits = ((uint)hi << 16) | lo;
        return r.Type switch
        {
            RegisterType.U32 => (double)bits,
            RegisterType.S32 => (double)(int)bits,
            _ => (double)BitConverter.Int32BitsToSingle((int)bits),
        };
    }

    /// <summary>The scaled value, or null for a missing word, the row's "no value" marker, or a float that is not finite.</summary>
    public static double? Value(ModbusRegister r, IReadOnlyDictionary<ushort, ushort> words, WordOrder? order = null)
    {
        if (Raw(r, words, order) is not { } raw) return null;
        if (r.NoValue is { } marker && r.Type != RegisterType.Float32 && (long)raw == marker) return null;
        var value = raw * r.Scale;
        return double.IsFinite(value) ? value : null;
    }

    /// <summary>Puts the registers of one read reply into <paramref name="words"/> at their addresses.</summary>
    public static void Store(ModbusReadBlock block, ReadOnlySpan<ushort> registers, IDictionary<ushort, ushort> words)
    {
        for (var i = 0; i < registers.Length && i < block.Count; i++) words[(ushort)(block.Start + i)] = registers[i];
    }

    /// <summary>The two words of a float32 in the given order (for simulators and tests).</summary>
    public static (ushort First, ushort Second) Float32Words(float value, WordOrder order = WordOrder.HighFirst)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteSingleBigEndian(b, value);
        var hi = BinaryPrimitives.ReadUInt16BigEndian(b);
        var lo = BinaryPrimitives.ReadUInt16BigEndian(b[2..]);
        return order == WordOrder.HighFirst ? (hi, lo) : (lo, hi);
    }
}
