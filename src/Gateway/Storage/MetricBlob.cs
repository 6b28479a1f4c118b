using System.Buffers.Binary;

namespace Gateway.Storage;

/// <summary>
/// The packed metrics of one history row: (metric id: uint16, value: float64) pairs, little-endian, 10 bytes each.
/// One row per device per interval, keyed (time, device), so a flush appends to the last page of the table
/// instead of touching one page per series: that is what spares the SD card.
/// </summary>
internal static class MetricBlob
{
    public const int EntrySize = 10;

    public static byte[] Encode(IReadOnlyList<(ushort Id, double Value)> entries)
    {
        var blob = new byte[entries.Count * EntrySize];
        for (var i = 0; i < entries.Count; i++)
        {
            var span = blob.AsSpan(i * EntrySize, EntrySize);
            BinaryPrimitives.WriteUInt16LittleEndian(span, entries[i].Id);
            BinaryPrimitives.WriteDoubleLittleEndian(span[2..], entries[i].Value);
        }
        return blob;
    }

    public static bool TryFind(ReadOnlySpan<byte> blob, ushort id, out double value)
    {
        for (var offset = 0; offset + EntrySize <= blob.Length; offset += EntrySize)
        {
            if (BinaryPrimitives.ReadUInt16LittleEndian(blob[offset..]) == id)
            {
                value = BinaryPrimitives.ReadDoubleLittleEndian(blob[(offset + 2)..]);
                return true;
            }
        }
        value = 0;
        return false;
    }
}
