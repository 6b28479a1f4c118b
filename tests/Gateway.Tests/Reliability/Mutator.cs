namespace Gateway.Tests.Reliability;

/// <summary>Deterministic byte/char mutations of a seed input (flip, insert, delete, duplicate, splice).</summary>
public sealed class Mutator
{
    private readonly Random _random;

    public Mutator(int seed) => _random = new Random(seed);

    public Random Random => _random;

    public byte[] Mutate(ReadOnlySpan<byte> seed)
    {
        var data = new List<byte>(seed.Length + 16);
        data.AddRange(seed.ToArray());
        var rounds = 1 + _random.Next(4);
        for (var r = 0; r < rounds; r++)
        {
            var pos = data.Count == 0 ? 0 : _random.Next(data.Count);
            switch (_random.Next(6))
            {
                case 0 when data.Count > 0: data[pos] ^= (byte)(1 << _random.Next(8)); break;
                case 1: data.Insert(pos, (byte)_random.Next(256)); break;
                case 2 when data.Count > 0: data.RemoveAt(pos); break;
                case 3 when data.Count > 0:
                    var len = Math.Min(data.Count - pos, 1 + _random.Next(16));
                    data.InsertRange(pos, data.GetRange(pos, len));
                    break;
                case 4 when data.Count > 0: data[pos] = Interesting[_random.Next(Interesting.Length)]; break;
                default:
                    if (data.Count > 1) data.RemoveRange(pos, Math.Min(data.Count - pos, _random.Next(8)));
                    break;
            }
        }
        return data.ToArray();
    }

    public string Mutate(string seed) => System.Text.Encoding.UTF8.GetString(Mutate(System.Text.Encoding.UTF8.GetBytes(seed)));

    public byte[] RandomBytes(int maxLength)
    {
        var b = new byte[_random.Next(maxLength + 1)];
        _random.NextBytes(b);
        return b;
    }

    private static readonly byte[] Interesting = [0x00, 0xFF, 0x7F, 0x80, (byte)'"', (byte)'\\', (byte)'#', (byte)' ', (byte)'\n', (byte)':', (byte)'-', (byte)'[', (byte)'{', (byte)'&', (byte)'*', (byte)'!'];
}
