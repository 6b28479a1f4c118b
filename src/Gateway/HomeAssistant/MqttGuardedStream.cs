namespace Gateway.HomeAssistant;

/// <summary>
/// A client connection of the built-in broker, read through a <see cref="MqttPacketSizeGuard"/>: an oversized packet
/// ends it. An MQTT 3.1.1 CONNECT without a client id gets one assigned (<see cref="MqttEmptyClientId"/>).
/// </summary>
public sealed class MqttGuardedStream(Stream inner, MqttPacketSizeGuard guard) : Stream
{
    /// <summary>Set when the guard refused a packet (the connection then ends with an IOException).</summary>
    public bool Refused { get; private set; }

    /// <summary>The first packet as it goes to MQTTnet (possibly with a client id filled in), until it has all been read.</summary>
    private byte[]? _first;
    private int _firstServed;
    private bool _firstDone;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (!_firstDone) return await ReadFirstPacketAsync(buffer, cancellationToken).ConfigureAwait(false);
        var n = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        Check(buffer.Span[..n]);
        return n;
    }

    /// <summary>
    /// Reads the whole first packet (the CONNECT; at most the guard's size) before passing anything on, so that an
    /// MQTT 3.1.1 CONNECT with an empty client id can be given one (<see cref="MqttEmptyClientId"/>).
    /// </summary>
    private async ValueTask<int> ReadFirstPacketAsync(Memory<byte> buffer, CancellationToken ct)
    {
        if (_first is null)
        {
            var collected = new List<byte>(128);
            var chunk = new byte[512];
            while (MqttEmptyClientId.PacketSize(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(collected)) is not { } size || collected.Count < size)
            {
                var want = MqttEmptyClientId.PacketSize(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(collected)) is { } total ? Math.Min(chunk.Length, total - collected.Count) : 1;
                var n = await inner.ReadAsync(chunk.AsMemory(0, want), ct).ConfigureAwait(false);
                if (n == 0)
                {
                    // Closed before a whole packet: hand on what came, then the end.
                    _firstDone = true;
                    if (collected.Count == 0) return 0;
                    _first = [.. collected];
                    break;
                }
                Check(chunk.AsSpan(0, n));
                collected.AddRange(chunk.AsSpan(0, n));
            }
            if (_first is null)
            {
                var packet = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(collected);
                _first = MqttEmptyClientId.Fill(packet, "auto-" + Guid.NewGuid().ToString("N")[..12]) ?? packet.ToArray();
            }
        }
        var count = Math.Min(buffer.Length, _first.Length - _firstServed);
        _first.AsSpan(_firstServed, count).CopyTo(buffer.Span);
        _firstServed += count;
        if (_firstServed == _first.Length) _firstDone = true;
        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count)
    {
        if (!_firstDone) return ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();
        var n = inner.Read(buffer, offset, count);
        Check(buffer.AsSpan(offset, n));
        return n;
    }

    private void Check(ReadOnlySpan<byte> bytes)
    {
        if (guard.Accept(bytes)) return;
        Refused = true;
        throw new IOException("the client sent an MQTT packet larger than the built-in broker accepts");
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.WriteAsync(buffer, offset, count, cancellationToken);
    public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
    public override void Flush() => inner.Flush();
    public override bool CanRead => true;
    public override bool CanWrite => true;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}
