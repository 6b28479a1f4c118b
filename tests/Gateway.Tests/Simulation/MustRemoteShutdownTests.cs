using Gateway.Drivers.Modbus;
using Gateway.Drivers.Must;
using Gateway.Drivers.Simulation;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Simulation;

public sealed class MustRemoteShutdownTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 30, 6, 0, 0, TimeSpan.Zero));

    private static ushort WorkState(MustSimulator sim) => sim.MainBlock()[MustRegisterMap.WorkState - MustRegisterMap.MainStart];
    private static ushort OutputDeciVolts(MustSimulator sim) => sim.MainBlock()[7];

    private static void ShutdownReturn(MustSimulator sim) =>
        Assert.Null(sim.Write(ModbusFunction.WriteMultipleRegisters, MustRegisterMap.RemoteShutdown, [1]));

    [Fact]
    public void On_battery_the_output_goes_off_and_comes_back_only_when_mains_returns()
    {
        var sim = new MustSimulator(_time, seed: 1);
        sim.LoseMains();
        _time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal((ushort)MustWorkState.Backup, WorkState(sim));

        ShutdownReturn(sim);
        Assert.Equal((ushort)MustWorkState.PowerOff, WorkState(sim));
        Assert.Equal(0, OutputDeciVolts(sim));
        Assert.False(sim.OutputOn);
        Assert.Equal(1, sim.RemoteShutdown.Count);

        // Off for as long as mains stays away, however long; the battery is not drained by a load that is off.
        var soc = sim.StateOfCharge;
        _time.Advance(TimeSpan.FromHours(3));
        Assert.False(sim.OutputOn);
        Assert.Equal(soc, sim.StateOfCharge, 3);

        sim.RestoreMains();
        Assert.True(sim.OutputOn);
        Assert.Equal((ushort)MustWorkState.Line, WorkState(sim));
        Assert.InRange(OutputDeciVolts(sim), 2200, 2400);
        Assert.Null(sim.RemoteShutdown.OutputOffSince);
    }

    [Fact]
    public void On_line_power_the_output_is_cycled_off_and_back_by_itself()
    {
        var sim = new MustSimulator(_time, seed: 2);
        ShutdownReturn(sim);
        Assert.False(sim.OutputOn);
        Assert.Equal((ushort)MustWorkState.PowerOff, WorkState(sim));

        _time.Advance(MustRemoteShutdown.OffTimeOnLine - TimeSpan.FromSeconds(1));
        Assert.False(sim.OutputOn);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(sim.OutputOn);
        Assert.Equal((ushort)MustWorkState.Line, WorkState(sim));
    }

    [Fact]
    public void A_value_other_than_one_is_not_a_command()
    {
        var sim = new MustSimulator(_time, seed: 3);
        sim.LoseMains();
        Assert.Null(sim.Write(ModbusFunction.WriteMultipleRegisters, MustRegisterMap.RemoteShutdown, [0]));
        Assert.True(sim.OutputOn);
        Assert.Equal(0, sim.RemoteShutdown.Count);
    }
}
