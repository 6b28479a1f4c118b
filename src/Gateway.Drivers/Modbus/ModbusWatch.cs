using Gateway.Drivers.Serial;

namespace Gateway.Drivers.Modbus;

/// <summary>
/// A status read repeated by the port's reader thread while its reply stays <see cref="Unchanged"/> (see
/// <see cref="ExchangeWatch"/>), on a real port and the real clock only (<see cref="ModbusBus.CanWatch"/>). Each cycle
/// takes the bus like any request and gives it back at once; a device that needs the bus for longer (a command) calls
/// <see cref="Interrupt"/>.
/// </summary>
/// <param name="Until">Stopwatch timestamp: no cycle starts at or after it (the device's next full poll).</param>
public sealed class ModbusWatch(ModbusRequest request, ReadOnlyMemory<byte> unchanged, TimeSpan interval, long until)
{
    private int _interrupted;
    private ExchangeWatch? _port;

    public ModbusRequest Request => request;
    public ReadOnlyMemory<byte> Unchanged => unchanged;
    public TimeSpan Interval => interval;
    public long Until => until;

    /// <summary>Asked before each cycle on the port's thread: true ends the watch (<see cref="WatchEnd.Interrupted"/>).</summary>
    public Func<bool>? YieldNow { get; init; }

    /// <summary>How it ended; <see cref="WatchEnd.Interrupted"/> until it ran.</summary>
    public WatchEnd End => Volatile.Read(ref _port)?.End ?? WatchEnd.Interrupted;

    /// <summary>Stopwatch timestamp of the cycle that ended the watch, or of the cycle it did not start.</summary>
    public long CycleAt => Volatile.Read(ref _port)?.CycleAt ?? System.Diagnostics.Stopwatch.GetTimestamp();

    /// <summary>Cycles answered with the unchanged reply.</summary>
    public int UnchangedCycles => Volatile.Read(ref _port)?.UnchangedCycles ?? 0;

    /// <summary>Ends the watch before its next cycle; from any thread, before or while it runs.</summary>
    public void Interrupt()
    {
        Interlocked.Exchange(ref _interrupted, 1);
        Volatile.Read(ref _port)?.Interrupt();
    }

    internal bool ShouldStop => Volatile.Read(ref _interrupted) != 0 || YieldNow?.Invoke() == true;

    internal void Attach(ExchangeWatch port) => Interlocked.Exchange(ref _port, port);
}
