using System.Buffers.Binary;

namespace Gateway.Storage;

/// <summary>
/// The packed metrics of one roll-up row, little-endian: a metric whose minimum equals its maximum is
/// (id | 0x8000: uint16, value: float64), 10 bytes; any other is (id: uint16, mean: float64, min: float32,
/// max: float32), 18 bytes. Min and max are for drawing a band, so single precision is plenty; the mean keeps
/// double precision (energy counters).
/// </summary>
internal static class RollupBlob
{
    public const ushort ConstantFlag = 0x8000;
    public const int ConstantSize = 10;
    public const int RangeSize = 18;

    public static byte[] Encode(IReadOnlyList<(ushort Id, MetricStats Stats)> entries)
    {
        var size = 0;
        foreach (var (_, s) in entries) size += IsConstant(s) ? ConstantSize : RangeSize;
        var blob = new byte[size];
        var span = blob.AsSpan();
        foreach (var (id, s) in entries)
        {
            if (id >= ConstantFlag) throw new ArgumentOutOfRangeException(nameof(entries), "metric ids above 32767 do not fit a roll-up row");
            if (IsConstant(s))
            {
                BinaryPrimitives.WriteUInt16LittleEndian(span, (ushort)(id | ConstantFlag));
                BinaryPrimitives.WriteDoubleLittleEndian(span[2..], s.Avg);
                span = span[ConstantSize..];
            }
            else
            {
                BinaryPrimitives.WriteUInt16LittleEndian(span, id);
                BinaryPrimitives.WriteDoubleLittleEndian(span[2..], s.Avg);
                BinaryPrimitives.WriteSingleLittleEndian(span[10..], (float)s.Min);
                BinaryPrimitives.WriteSingleLittleEndian(span[14..], (float)s.Max);
                span = span[RangeSize..];
            }
        }
        return blob;
    }

    public static bool TryFind(ReadOnlySpan<byte> blob, ushort id, out double avg, out double min, out double max)
    {
        while (blob.Length >= ConstantSize)
        {
            var raw = BinaryPrimitives.ReadUInt16LittleEndian(blob);
            var constant = (raw & ConstantFlag) != 0;
            var size = constant ? ConstantSize : RangeSize;
            if (blob.Length < size) break;
            if ((raw & ~ConstantFlag) == id)
            {
                avg = BinaryPrimitives.ReadDoubleLittleEndian(blob[2..]);
                min = constant ? avg : BinaryPrimitives.ReadSingleLittleEndian(blob[10..]);
                max = constant ? avg : BinaryPrimitives.ReadSingleLittleEndian(blob[14..]);
                return true;
            }
            blob = blob[size..];
        }
        avg = min = max = 0;
        return false;
    }

    private static bool IsConstant(MetricStats s) => s.Min == s.Max;
}
