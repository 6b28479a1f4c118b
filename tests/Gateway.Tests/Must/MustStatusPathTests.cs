using Gateway.Drivers.Must;
using Gateway.Drivers.Readings;
using Gateway.Drivers.Serial;
using Gateway.Drivers.Simulation;
using Gateway.Tests.Serial;
using Gateway.Tests.Simulation;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Tests.Must;

/// <summary>
/// The fast status path: between full polls the MUST driver reads the work state alone and publishes at once
/// when it changed. With full polls 30 s apart, a power cut and its end still show within a few status reads.
/// </summary>
[Collection(SerialPtyCollection.Name)]
[Trait("Category", "Integration")]
public sealed class MustStatusPathTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private readonly CancellationTokenSource _stop = new();
    private readonly PseudoTerminal _pty = PseudoTerminal.Create();

    public void Dispose()
    {
        _stop.Cancel();
        _pty.Dispose();
        _stop.Dispose();
    }

    [Fact]
    public async Task A_power_cut_is_published_by_the_status_read_long_before_the_next_full_poll()
    {
        var sim = new MustSimulator(TimeProvider.System, seed: 4);
        var server = Task.Run(() => new ModbusSlaveServer(_pty.MasterStream(), [sim], TimeProvider.System, baud: 9600).RunAsync(_stop.Token));
        var driver = new MustDriver(new MustSettings("ups", new SerialSettings(_pty.SlavePath), PollInterval: TimeSpan.FromSeconds(30),
            StatusInterval: TimeSpan.FromMilliseconds(250)), TimeProvider.System, NullLogger.Instance);
        var sink = new RecordingSink();
        var run = Task.Run(() => driver.RunAsync(sink, _stop.Token));
        await RecordingSink.WaitUntil(() => sink.Latest<UpsReading>() is not null, Wait, "the first full poll");
        Assert.True(sink.Latest<UpsReading>()!.Status.OnLine);
        var fullPolls = sink.Readings.Count;

        sim.LoseMains();
        await RecordingSink.WaitUntil(() => sink.Latest<UpsReading>()!.Status.OnBattery, TimeSpan.FromSeconds(5), "OB from the status read");
        var onBattery = sink.Latest<UpsReading>()!;
        Assert.Equal("OB DISCHRG", onBattery.Status.ToString());
        // The rest of the reading is the last full poll's, published again with the new status.
        Assert.NotNull(onBattery.Get(NutNames.BatteryCharge));

        sim.RestoreMains();
        await RecordingSink.WaitUntil(() => sink.Latest<UpsReading>()!.Status.OnLine, TimeSpan.FromSeconds(5), "OL from the status read");
        // Two status-driven readings, no full poll in between (the next is 30 s away).
        Assert.Equal(fullPolls + 2, sink.Readings.Count);
        Assert.Equal(LinkState.Connected, sink.Current);
        await _stop.CancelAsync();
        await run.WaitAsync(Wait);
        await server.ContinueWith(_ => { });
    }
}
