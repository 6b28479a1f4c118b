using Gateway.Drivers.Serial;
using Gateway.Drivers.Simulation;

namespace Gateway.Hosting;

/// <summary>
/// Demo mode's devices: a MUST and an EM340 simulator, each on the master side of its own in-process pty
/// pair. The real drivers open the slave paths, so every byte goes through the real Modbus master.
/// </summary>
public sealed class DemoSimulators : IDisposable
{
    public DemoSimulators(TimeProvider time)
    {
        MustPty = PseudoTerminal.Create();
        try
        {
            MeterPty = PseudoTerminal.Create();
        }
        catch
        {
            MustPty.Dispose();
            throw;
        }
        Must = new MustSimulator(time);
        Meter = new Em340Simulator(time);
        MustServer = new ModbusSlaveServer(MustPty.MasterStream(), [Must], time);
        MeterServer = new ModbusSlaveServer(MeterPty.MasterStream(), [Meter], time);
    }

    public PseudoTerminal MustPty { get; }
    public PseudoTerminal MeterPty { get; }
    public MustSimulator Must { get; }
    public Em340Simulator Meter { get; }
    public ModbusSlaveServer MustServer { get; }
    public ModbusSlaveServer MeterServer { get; }

    /// <summary>Simulated power cut: the UPS goes on battery and the (mains-powered) meter falls silent.</summary>
    public void PowerCut()
    {
        Must.LoseMains();
        Meter.LoseMains();
    }

    public void PowerRestore()
    {
        Must.RestoreMains();
        Meter.RestoreMains();
    }

    public void Dispose()
    {
        MustPty.Dispose();
        MeterPty.Dispose();
    }
}
