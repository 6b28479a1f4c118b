using System.Threading.Channels;
using Gateway.Drivers.Serial;

namespace Gateway.Tests.Modbus;

/// <summary>A transport whose replies are scripted per request: each write triggers the next scripted reply (null = silence).</summary>
public sealed class ScriptedTransport : ISerialTransport
{
    private readonly Queue<Func<byte[], byte[]?>> _script = new();
    private readonly Channel<byte> _incoming = Channel.CreateUnbounded<byte>();
    public List<byte[]> Written { get; } = [];
    public List<DateTimeOffset> WrittenAt { get; } = [];
    public TimeProvider? Time { get; init; }
    public int Discarded { get; private set; }
    public bool Disposed { get; private set; }

    public string Path => "/dev/scripted";
    public string DevicePath { get; init; } = "/dev/scripted";

    public ScriptedTransport Reply(params byte[] bytes) { _script.Enqueue(_ => bytes); return this; }
    public ScriptedTransport Reply(Func<byte[], byte[]?> reply) { _script.Enqueue(reply); return this; }
    public ScriptedTransport Silence() { _script.Enqueue(_ => null); return this; }

    /// <summary>Bytes already waiting on the line (stale data) before the next request.</summary>
    public void Inject(params byte[] bytes) { foreach (var b in bytes) _incoming.Writer.TryWrite(b); }

    public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        var frame = data.ToArray();
        Written.Add(frame);
        WrittenAt.Add((Time ?? TimeProvider.System).GetUtcNow());
        if (_script.TryDequeue(out var reply) && reply(frame) is { } bytes) Inject(bytes);
        return ValueTask.CompletedTask;
    }

    public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        await _incoming.Reader.WaitToReadAsync(cancellationToken);
        var n = 0;
        while (n < buffer.Length && _incoming.Reader.TryRead(out var b)) buffer.Span[n++] = b;
        return n;
    }

    public int DiscardInput()
    {
        var n = 0;
        while (_incoming.Reader.TryRead(out _)) n++;
        Discarded += n;
        return n;
    }

    public void Dispose() => Disposed = true;
}
