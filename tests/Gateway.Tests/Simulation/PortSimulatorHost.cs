using Gateway.Drivers.Serial;
using Gateway.Drivers.Simulation;

namespace Gateway.Tests.Simulation;

/// <summary>Serves simulated devices on a pty path, reopening it whenever it comes back (like <c>gateway simulate --port</c>).</summary>
public sealed class PortSimulatorHost : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public PortSimulatorHost(string path, params IModbusSlaveDevice[] devices)
    {
        _loop = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                try
                {
                    using var stream = PosixSerialPort.Open(new SerialSettings(path)).AsStream();
                    await new ModbusSlaveServer(stream, devices, TimeProvider.System).RunAsync(_stop.Token);
                }
                catch (Exception e) when (e is IOException or OperationCanceledException)
                {
                }
                try { await Task.Delay(50, _stop.Token); } catch (OperationCanceledException) { }
            }
        });
    }

    private int _disposed;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        await _stop.CancelAsync();
        await _loop.WaitAsync(TimeSpan.FromSeconds(10));
        _stop.Dispose();
    }
}
