using System.Diagnostics;
using Gateway.Drivers.Must;
using Gateway.Drivers.Readings;
using Gateway.Drivers.Serial;
using Gateway.Drivers.Simulation;
using Gateway.Tests.Simulation;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace Gateway.Tests.Serial;

/// <summary>
/// Replug in seconds: the driver watches the configured path and opens the device as soon as its file is
/// back, whatever the backoff says; the backoff only paces devices that are there but do not answer.
/// </summary>
[Collection(InotifyAloneCollection.Name)]
[Trait("Category", "Integration")]
public sealed class ReplugTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private readonly string _dir = Directory.CreateTempSubdirectory("replug").FullName;
    private readonly CancellationTokenSource _stop = new();
    private readonly ListLogger _log = new();

    public void Dispose()
    {
        foreach (var line in _log.Lines) output.WriteLine(line.Text);
        _stop.Cancel();
        _stop.Dispose();
        Directory.Delete(_dir, true);
    }

    [Fact]
    public async Task A_link_in_directories_that_do_not_exist_yet_is_noticed_when_udev_creates_them()
    {
        // /dev/serial/by-id disappears with the last adapter: the watch starts on the nearest existing parent.
        var link = Path.Combine(_dir, "serial", "by-id", "usb-FTDI_FT232R-if00-port0");
        using var pty = PseudoTerminal.Create();
        // Virtual time that never moves: the 2 s re-check cannot fire, so only the inotify events can end the wait.
        var waiting = DeviceFileWatch.WaitForAsync(link, new Microsoft.Extensions.Time.Testing.FakeTimeProvider(), _stop.Token);
        await Task.Delay(300);
        Assert.False(waiting.IsCompleted);
        Directory.CreateDirectory(Path.GetDirectoryName(link)!);
        await Task.Delay(100);
        var created = Stopwatch.StartNew();
        File.CreateSymbolicLink(link, pty.SlavePath);
        await waiting.WaitAsync(Wait);
        output.WriteLine($"link noticed {created.Elapsed.TotalMilliseconds:0} ms after it was created");
    }

    [Fact]
    public async Task A_watched_directory_removed_and_created_again_does_not_leave_the_wait_deaf()
    {
        // The wait sits on /dev/serial/by-id (it exists: another adapter was there). When udev removes the directory,
        // inotify drops the watch and .NET says nothing; the watch on its parent must see it go, or the adapter's
        // return would be noticed only by the re-check.
        var byId = Path.Combine(_dir, "serial", "by-id");
        Directory.CreateDirectory(byId);
        var link = Path.Combine(byId, "usb-FTDI_FT232R-if00-port0");
        using var pty = PseudoTerminal.Create();
        // Virtual time that never moves: no re-check can end the wait, only inotify events.
        var waiting = DeviceFileWatch.WaitForAsync(link, new Microsoft.Extensions.Time.Testing.FakeTimeProvider(), _stop.Token);
        await Task.Delay(300);
        Directory.Delete(byId);
        await Task.Delay(300);
        Directory.CreateDirectory(byId);
        await Task.Delay(100);
        Assert.False(waiting.IsCompleted);
        var created = Stopwatch.StartNew();
        File.CreateSymbolicLink(link, pty.SlavePath);
        await waiting.WaitAsync(Wait);
        output.WriteLine($"link noticed {created.Elapsed.TotalMilliseconds:0} ms after it was created in the re-created directory");
    }

    [Fact]
    public async Task A_device_plugged_in_between_the_check_and_the_wait_ends_the_wait_at_once()
    {
        // The reconnect saw the path absent, then the replug made the link before the wait began. The wait is for a
        // change from what the caller saw (absent), so it ends at once; resolving again inside the wait took the new
        // device for the starting state and waited for the next change, for ever (a meter stayed Lost after a replug).
        var link = Path.Combine(_dir, "usb-FTDI_RS485-if00-port0");
        using var pty = PseudoTerminal.Create();
        File.CreateSymbolicLink(link, pty.SlavePath);
        // Virtual time that never moves: no re-check can rescue a wait that started from the wrong state.
        var frozen = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        Assert.True(await DeviceFileWatch.WaitForChangeAsync(link, from: null, limit: null, frozen, _stop.Token).WaitAsync(Wait));
        // And from what it resolves to now, nothing has changed: the wait goes on until the link does.
        var same = DeviceFileWatch.WaitForChangeAsync(link, from: pty.SlavePath, limit: null, frozen, _stop.Token);
        await Task.Delay(200);
        Assert.False(same.IsCompleted);
        File.Delete(link);
        Assert.True(await same.WaitAsync(Wait));
    }

    [Fact]
    public async Task A_silent_device_deep_in_its_backoff_is_connected_at_a_replug_without_waiting_out_the_backoff()
    {
        var link = Path.Combine(_dir, "usb-MUST_EP20-if00-port0");
        // Present but nobody answers: the driver backs off, here starting at 10 min (far beyond the test's wait).
        using var silent = PseudoTerminal.Create();
        File.CreateSymbolicLink(link, silent.SlavePath);
        var driver = new MustDriver(new MustSettings("ups", new SerialSettings(link, Timeout: TimeSpan.FromMilliseconds(200)), PollInterval: TimeSpan.FromMilliseconds(200)),
            TimeProvider.System, _log, backoff: () => new ReconnectBackoff(jitter: 0, initial: TimeSpan.FromMinutes(10), max: TimeSpan.FromMinutes(10)));
        var sink = new RecordingSink();
        var run = Task.Run(() => driver.RunAsync(sink, _stop.Token));
        await RecordingSink.WaitUntil(() => sink.Current == LinkState.Lost, Wait, "Lost while nobody answers");
        await Task.Delay(500);

        // The adapter is unplugged and plugged back: the link goes, a new device node with a live UPS comes.
        File.Delete(link);
        await Task.Delay(300);
        using var live = PseudoTerminal.Create();
        var sim = new MustSimulator(TimeProvider.System, seed: 3);
        var server = Task.Run(() => new ModbusSlaveServer(live.MasterStream(), [sim], TimeProvider.System).RunAsync(_stop.Token));
        var replugged = Stopwatch.StartNew();
        File.CreateSymbolicLink(link, live.SlavePath);
        await RecordingSink.WaitUntil(() => sink.Current == LinkState.Connected, Wait, "Connected after the replug");
        // Connected within the wait (20 s) although the backoff was 10 min: the new device node cut it short.
        output.WriteLine($"replug → Connected {replugged.Elapsed.TotalMilliseconds:0} ms (backoff was 10 min)");
        await _stop.CancelAsync();
        await run.WaitAsync(Wait);
        await server.ContinueWith(_ => { });
    }
}
