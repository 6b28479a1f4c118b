using System.Diagnostics;
using Gateway.Drivers.Serial;
using Gateway.Drivers.Simulation;

namespace Gateway.Tests.Simulation;

/// <summary>mbpoll (libmodbus, not written here) reads the project's EM340 simulator on a real pty.</summary>
[Collection(SerialPtyCollection.Name)]
[Trait("Category", "Integration")]
public sealed class MbpollTests : IAsyncLifetime
{
    private readonly CancellationTokenSource _stop = new();
    private PseudoTerminal _pty = null!;
    private Task _server = Task.CompletedTask;

    public Task InitializeAsync()
    {
        _pty = PseudoTerminal.Create();
        var server = new ModbusSlaveServer(_pty.MasterStream(), [new Em340Simulator(TimeProvider.System, seed: 9)], TimeProvider.System);
        _server = Task.Run(() => server.RunAsync(_stop.Token));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        _pty.Dispose();
        await _server.ContinueWith(_ => { }).WaitAsync(TimeSpan.FromSeconds(10));
        _stop.Dispose();
    }

    private async Task<string> Mbpoll(params string[] args)
    {
        var psi = new ProcessStartInfo("mbpoll") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-m", "rtu", "-a", "1", "-b", "9600", "-P", "none", "-1", "-o", "2" }.Concat(args)) psi.ArgumentList.Add(a);
        psi.ArgumentList.Add(_pty.SlavePath);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
        Assert.True(p.ExitCode == 0, $"mbpoll failed ({p.ExitCode}): {await stdout} {await stderr}");
        return await stdout;
    }

    private static int Value(string output, int reference)
    {
        var line = output.Split('\n').Single(l => l.TrimStart().StartsWith($"[{reference}]:"));
        return int.Parse(line.Split(':')[1].Trim().Split(' ')[0]);
    }

    [Fact]
    public async Task Mbpoll_reads_identity_and_int32_values_low_word_first()
    {
        // Reference 12 = wire address 0x000B, read alone: the model code.
        Assert.Equal(341, Value(await Mbpoll("-t", "4", "-r", "12", "-c", "1"), 12));
        // mbpoll's default 32-bit word order is low word first, like the EM340.
        var volts = await Mbpoll("-t", "4:int", "-r", "1", "-c", "3");
        Assert.InRange(Value(volts, 1), 2200, 2410);
        Assert.InRange(Value(volts, 3), 2200, 2410);
        // FC04 works the same; serial number characters at 0x5000.
        var serial = await Mbpoll("-t", "3", "-r", (0x5000 + 1).ToString(), "-c", "7");
        Assert.Equal((int)'2', Value(serial, 0x5001));
        Assert.Equal((int)'W', Value(serial, 0x5007));
    }
}
