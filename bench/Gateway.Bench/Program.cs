using System.Diagnostics;
using System.Globalization;
using Gateway.Drivers.Em340;
using Gateway.Drivers.Readings;
using Gateway.Drivers.Serial;
using Gateway.Drivers.Simulation;
using Microsoft.Extensions.Logging.Abstractions;

// Modbus efficiency: one full EM340 refresh by the real driver and master, over a pty, against the EM340 simulator
// that delays every reply by the frames' time on a 9600-baud wire. Prints "measure|gateway|comparison|note" rows.
const int Baud = 9600;
const int Refreshes = 10;
var inv = CultureInfo.InvariantCulture;

using var pty = PseudoTerminal.Create();
using var stop = new CancellationTokenSource();
var server = new ModbusSlaveServer(pty.MasterStream(), [new Em340Simulator(TimeProvider.System, seed: 1)], TimeProvider.System, baud: Baud);
var serve = Task.Run(() => server.RunAsync(stop.Token));

// A full refresh = both tiers (instantaneous values and the slow energy tier) on every poll.
var driver = new Em340Driver(new Em340Settings("grid", new SerialSettings(pty.SlavePath, Baud, Timeout: TimeSpan.FromSeconds(2)), PollInterval: TimeSpan.FromSeconds(1),
        EnergyInterval: TimeSpan.Zero),
    TimeProvider.System, NullLogger.Instance);
var sink = new RecordingSink();
using var stopFull = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
var run = Task.Run(() => driver.RunAsync(sink, stopFull.Token));

var durations = new List<TimeSpan>();
var requests = new List<long>();
var deadline = Stopwatch.StartNew();
var seen = 0;
long lastRequests = -1;
while (durations.Count < Refreshes && deadline.Elapsed < TimeSpan.FromSeconds(60))
{
    await sink.Next.Task.WaitAsync(TimeSpan.FromSeconds(10));
    sink.Next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    var now = driver.Counters.Requests;
    if (seen++ > 0)
    {
        durations.Add(driver.LastRefreshDuration);
        requests.Add(now - lastRequests);
    }
    lastRequests = now;
}
await stopFull.CancelAsync();
await run.ContinueWith(_ => { });
if (durations.Count == 0) { Console.Error.WriteLine("no refresh completed"); await stop.CancelAsync(); return 1; }

// Requests a second at the default poll_interval and energy_interval, counted over a window after the first reading.
var defaults = new Em340Settings("grid", new SerialSettings(pty.SlavePath, Baud, Timeout: TimeSpan.FromSeconds(2)));
var atDefaults = new Em340Driver(defaults, TimeProvider.System, NullLogger.Instance);
var defaultSink = new RecordingSink();
var runDefaults = Task.Run(() => atDefaults.RunAsync(defaultSink, stop.Token));
await defaultSink.Next.Task.WaitAsync(TimeSpan.FromSeconds(30));
var windowStart = Stopwatch.StartNew();
var requestsAtStart = atDefaults.Counters.Requests;
await Task.Delay(TimeSpan.FromSeconds(30));
var perSecond = (atDefaults.Counters.Requests - requestsAtStart) / windowStart.Elapsed.TotalSeconds;
await stop.CancelAsync();
await Task.WhenAll(runDefaults.ContinueWith(_ => { }), serve.ContinueWith(_ => { }));
// Planned: the slow tier on the first poll at or after energy_interval − poll_interval/2, the fast tier on the others.
var pollsPerSlow = Math.Max(1, (int)Math.Ceiling((defaults.Energy - defaults.Poll / 2) / defaults.Poll));
var fastBlocks = Em340RegisterMap.EveryPollBlocks.Count;
var plannedPerSecond = ((pollsPerSlow - 1) * fastBlocks + Em340RegisterMap.MeasurementBlocks.Count + 1) / (pollsPerSlow * defaults.Poll.TotalSeconds);

// Bytes on the wire per refresh: each read is an 8-byte request and a 5 + 2·count byte reply.
var blocks = Em340RegisterMap.MeasurementBlocks.Select(b => (int)b.Count).Append(Em340RegisterMap.DecimalEnergyCount).ToArray();
var bytesOut = blocks.Length * 8;
var bytesIn = blocks.Sum(c => 5 + 2 * c);
var floor = (bytesOut + bytesIn) * 10.0 / Baud;                       // 8N1: 10 bits a character
var gaps = (blocks.Length - 1) * 0.040;                               // the 40 ms the EM340 wants between requests
durations.Sort();
var median = durations[durations.Count / 2].TotalSeconds;
string Ms(double s) => (s * 1000).ToString("0", inv) + " ms";
Console.WriteLine($"EM340 full refresh: requests|{requests.Max()}|{blocks.Length} planned|registers: {string.Join("+", blocks)}");
Console.WriteLine($"EM340 full refresh: bytes on the wire|{bytesOut} out + {bytesIn} in|-|8N1, 10 bits a byte");
Console.WriteLine($"EM340 full refresh: cycle (median of {durations.Count})|{Ms(median)}|wire floor {Ms(floor)}; with 40 ms gaps {Ms(floor + gaps)}|ratio {(median / (floor + gaps)).ToString("0.00", inv)} to floor + gaps, simulator honours {Baud} baud");
Console.WriteLine($"EM340 requests per second at defaults (poll_interval {defaults.Poll.TotalSeconds:0} s, energy_interval {defaults.Energy.TotalSeconds:0} s)|{perSecond.ToString("0.00", inv)} (30 s window)|{plannedPerSecond.ToString("0.00", inv)} planned; 5 before the tiers (full refresh every 1 s)|{fastBlocks} requests a poll, a full refresh every {pollsPerSlow} polls");
return 0;

sealed class RecordingSink : IReadingSink
{
    public TaskCompletionSource Next = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public void Publish(Reading reading) => Next.TrySetResult();
    public void ReportLinkState(string deviceId, LinkState state, string? reason = null) { }
}
