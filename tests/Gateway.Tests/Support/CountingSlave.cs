using System.Collections.Concurrent;
using Gateway.Drivers.Modbus;
using Gateway.Drivers.Simulation;

namespace Gateway.Tests.Support;

/// <summary>
/// Wraps a simulated device, counts the writes it receives per register and logs every request in order ("R30000",
/// "W31006"); every read also goes to <see cref="TimedReads"/> with its register count and the time of
/// <paramref name="time"/> when it arrived (on a virtual clock: when the driver sent it).
/// </summary>
public sealed class CountingSlave(IModbusSlaveDevice inner, TimeProvider? time = null) : IModbusSlaveDevice
{
    public readonly record struct TimedRead(DateTimeOffset At, ushort Address, ushort Count);

    private long _reads;
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public ConcurrentQueue<TimedRead> TimedReads { get; } = new();

    public ConcurrentDictionary<ushort, int> Writes { get; } = new();
    public ConcurrentQueue<string> Requests { get; } = new();
    public long Reads => Interlocked.Read(ref _reads);
    public int WritesTo(ushort register) => Writes.GetValueOrDefault(register);

    public byte Address => inner.Address;
    public bool Answers() => inner.Answers();

    public ModbusExceptionCode? Read(ModbusFunction function, ushort address, ushort count, Span<ushort> into)
    {
        Interlocked.Increment(ref _reads);
        Requests.Enqueue("R" + address);
        TimedReads.Enqueue(new TimedRead(_time.GetUtcNow(), address, count));
        return inner.Read(function, address, count, into);
    }

    public ModbusExceptionCode? Write(ModbusFunction function, ushort address, ReadOnlySpan<ushort> values)
    {
        Writes.AddOrUpdate(address, 1, (_, n) => n + 1);
        Requests.Enqueue("W" + address);
        return inner.Write(function, address, values);
    }
}
