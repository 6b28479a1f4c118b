namespace Gateway.Drivers.Nut;

/// <summary>
/// Reads LF-terminated ASCII lines from a stream without ever holding more than <c>maxLineLength</c> bytes of
/// one line: a longer line is skipped up to its LF and reported once as <see cref="NutLineStatus.TooLong"/>.
/// A trailing CR is dropped. Not thread-safe: one reader per connection.
/// The buffer starts small and grows only when a line needs it: a server holding a thousand idle clients
/// should not hold a thousand maximum-size buffers.
/// </summary>
public sealed class NutLineReader
{
    private const int InitialBufferSize = 1024;
    private readonly int _maxLineLength;
    private readonly int _bufferLimit;
    private byte[] _buffer;
    private Stream _stream;
    private int _start;
    private int _end;
    private bool _discarding;

    public NutLineReader(Stream stream, int maxLineLength = 8192)
    {
        _stream = stream;
        _maxLineLength = maxLineLength;
        _bufferLimit = Math.Max(maxLineLength + 1, 4096);
        _buffer = new byte[Math.Min(InitialBufferSize, _bufferLimit)];
    }

    /// <summary>True when a complete line is already buffered (the next read will not touch the stream).</summary>
    public bool HasBufferedLine => _buffer.AsSpan(_start, _end - _start).Contains((byte)'\n');

    /// <summary>Continues on a new stream (after STARTTLS); bytes buffered from the old one are dropped.</summary>
    public void Switch(Stream stream)
    {
        _stream = stream;
        _start = _end = 0;
        _discarding = false;
    }

    public async ValueTask<NutLineResult> ReadLineAsync(CancellationToken ct)
    {
        while (true)
        {
            var span = _buffer.AsSpan(_start, _end - _start);
            var lf = span.IndexOf((byte)'\n');
            if (lf >= 0)
            {
                var lineBytes = span[..lf];
                _start += lf + 1;
                if (_discarding)
                {
                    _discarding = false;
                    return new NutLineResult(NutLineStatus.TooLong, null);
                }
                if (lineBytes.Length > 0 && lineBytes[^1] == '\r') lineBytes = lineBytes[..^1];
                return new NutLineResult(NutLineStatus.Line, Latin1(lineBytes));
            }
            if (_discarding || span.Length > _maxLineLength)
            {
                _discarding = true;
                _start = _end = 0;
            }
            else if (_start > 0)
            {
                span.CopyTo(_buffer);
                _end = span.Length;
                _start = 0;
            }
            else if (_end == _buffer.Length)
            {
                Array.Resize(ref _buffer, Math.Min(_buffer.Length * 2, _bufferLimit));
            }
            var n = await _stream.ReadAsync(_buffer.AsMemory(_end), ct).ConfigureAwait(false);
            if (n == 0) return new NutLineResult(NutLineStatus.End, null);
            _end += n;
        }
    }

    // Every byte maps to one char; the tokenizer drops what is not printable ASCII.
    private static string Latin1(ReadOnlySpan<byte> bytes) => System.Text.Encoding.Latin1.GetString(bytes);
}
