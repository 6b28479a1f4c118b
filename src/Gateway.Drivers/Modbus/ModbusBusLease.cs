namespace Gateway.Drivers.Modbus;

/// <summary>One device's use of a shared <see cref="ModbusBus"/>; disposing it lets the bus close when it was the last.</summary>
public sealed class ModbusBusLease(ModbusBuses owner, ModbusBus bus) : IDisposable
{
    private int _disposed;

    public ModbusBus Bus { get; } = bus;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0) owner.Release(Bus);
    }
}
