using System.Diagnostics;
using Gateway.Drivers.Modbus;
using Gateway.Drivers.Must;
using Gateway.Drivers.Readings;
using Gateway.Drivers.Serial;
using Gateway.Drivers.Simulation;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Tests.Simulation;

/// <summary><c>gateway simulate must --port PTY</c> as a separate process, read by the real driver; and the wire-timing option.</summary>
[Collection(SerialPtyCollection.Name)]
[Trait("Category", "Integration")]
public sealed class SimulateCommandTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("simcmd").FullName;
    private SocatPair _socat = null!;
    private Process? _sim;

    public async Task InitializeAsync()
    {
        _socat = new SocatPair(_dir);
        await _socat.PlugAsync();
    }

    public Task DisposeAsync()
    {
        try { _sim?.Kill(entireProcessTree: true); _sim?.WaitForExit(5000); } catch (InvalidOperationException) { }
        _sim?.Dispose();
        _socat.Dispose();
        Directory.Delete(_dir, true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task The_must_driver_reads_gateway_simulate_and_the_stdin_controls_work()
    {
        var gatewayDll = Path.Combine(AppContext.BaseDirectory, "gateway.dll");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { gatewayDll, "simulate", "must", "--port", _socat.SimulatorLink, "--seed", "3" }) psi.ArgumentList.Add(a);
        _sim = Process.Start(psi)!;
        _sim.ErrorDataReceived += (_, _) => { };
        _sim.BeginErrorReadLine();
        var banner = await _sim.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Contains("must simulator (address 10)", banner);

        using var stop = new CancellationTokenSource();
        var driver = new MustDriver(new MustSettings("ups", new SerialSettings(_socat.DeviceLink), PollInterval: TimeSpan.FromMilliseconds(200)), TimeProvider.System, NullLogger.Instance);
        var sink = new RecordingSink();
        var run = Task.Run(() => driver.RunAsync(sink, stop.Token));
        try
        {
            await RecordingSink.WaitUntil(() => sink.Latest<UpsReading>()?.Status.OnLine == true, TimeSpan.FromSeconds(20), "OL from the simulate command");
            await _sim.StandardInput.WriteLineAsync("cut");
            await _sim.StandardInput.FlushAsync();
            await RecordingSink.WaitUntil(() => sink.Latest<UpsReading>()!.Status.OnBattery, TimeSpan.FromSeconds(20), "OB after 'cut'");
            await _sim.StandardInput.WriteLineAsync("fault 7");
            await _sim.StandardInput.FlushAsync();
            await RecordingSink.WaitUntil(() => sink.Latest<UpsReading>()!.Alarm == "Fault 7: Overload", TimeSpan.FromSeconds(20), "the fault alarm");
            await _sim.StandardInput.WriteLineAsync("restore");
            await _sim.StandardInput.FlushAsync();
            await RecordingSink.WaitUntil(() => sink.Latest<UpsReading>()!.Status.OnLine, TimeSpan.FromSeconds(20), "OL after 'restore'");
        }
        finally
        {
            await stop.CancelAsync();
            await run.WaitAsync(TimeSpan.FromSeconds(10));
        }
    }

    [Fact]
    public async Task Wire_timing_delays_replies_by_the_frames_time_at_the_baud_rate()
    {
        using var pty = PseudoTerminal.Create();
        using var stop = new CancellationTokenSource();
        var server = new ModbusSlaveServer(pty.MasterStream(), [new MustSimulator(TimeProvider.System, seed: 1)], TimeProvider.System, baud: 9600);
        var serve = Task.Run(() => server.RunAsync(stop.Token));
        using var port = PosixSerialPort.Open(new SerialSettings(pty.SlavePath));
        var master = new ModbusRtuMaster(port, new ModbusTiming(TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(4), TimeSpan.Zero), TimeProvider.System);
        await master.ReadHoldingRegistersAsync(10, MustRegisterMap.MainStart, 1, CancellationToken.None);
        var clock = Stopwatch.StartNew();
        await master.ReadHoldingRegistersAsync(10, MustRegisterMap.MainStart, MustRegisterMap.MainCount, CancellationToken.None);
        // 8 bytes out + 59 bytes in at 10 bits per character and 9600 baud = 69.8 ms.
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(65), $"reply after {clock.Elapsed.TotalMilliseconds:0} ms");
        await stop.CancelAsync();
        await serve.ContinueWith(_ => { });
    }
}
