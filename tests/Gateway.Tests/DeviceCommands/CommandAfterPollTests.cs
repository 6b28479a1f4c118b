using Gateway.Drivers.Devices;
using Gateway.Drivers.Must;
using Gateway.Drivers.Readings;
using Gateway.Drivers.Serial;
using Gateway.Drivers.Simulation;
using Gateway.Tests.Serial;
using Gateway.Tests.Simulation;
using Gateway.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Tests.DeviceCommands;

/// <summary>Polls first: the MUST driver sends a command in the gap after a poll, so commands back to back never push a poll back.</summary>
[Collection(SerialPtyCollection.Name)]
[Trait("Category", "Integration")]
public sealed class CommandAfterPollTests
{
    [Fact]
    public async Task Commands_sent_back_to_back_each_wait_for_a_poll_in_between()
    {
        using var stop = new CancellationTokenSource();
        using var pty = PseudoTerminal.Create();
        var slave = new CountingSlave(new MustSimulator(TimeProvider.System, seed: 1));
        var server = Task.Run(() => new ModbusSlaveServer(pty.MasterStream(), [slave], TimeProvider.System).RunAsync(stop.Token));
        var driver = new MustDriver(new MustSettings("ups", new SerialSettings(pty.SlavePath), PollInterval: TimeSpan.FromMilliseconds(300)), TimeProvider.System, NullLogger.Instance);
        var sink = new RecordingSink();
        var run = Task.Run(() => driver.RunAsync(sink, stop.Token));
        await RecordingSink.WaitUntil(() => sink.Latest<UpsReading>() is not null, TimeSpan.FromSeconds(20), "a MUST reading");

        for (var i = 0; i < 6; i++)
            Assert.Equal(DeviceCommandStatus.Ok, (await driver.ExecuteAsync(i % 2 == 0 ? "beeper.disable" : "beeper.enable", CancellationToken.None)).Status);

        var requests = slave.Requests.ToArray();
        var writes = requests.Select((r, i) => (r, i)).Where(x => x.r[0] == 'W').Select(x => x.i).ToArray();
        Assert.Equal(6, writes.Length);
        foreach (var w in writes)
            Assert.True(requests[w - 1][0] == 'R', $"a command went right after another command instead of after a poll: {string.Join(" ", requests)}");
        Assert.Equal(0, driver.Counters.Timeouts);

        await stop.CancelAsync();
        await Task.WhenAll(run, server).ContinueWith(_ => { });
    }
}
