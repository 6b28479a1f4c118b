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

var driver = new Em340Driver(new Em340Settings("grid", new SerialSettings(pty.SlavePath, Baud, Timeout: TimeSpan.FromSeconds(2)), PollInterval: TimeSpan.FromSeconds(1)),
    TimeProvider.System, NullLogger.Instance);
var sink = new RecordingSink();
var run = Task.Run(() => driver.RunAsync(sink, stop.Token));

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
await stop.CancelAsync();
await Task.WhenAll(run.ContinueWith(_ => { }), serve.ContinueWith(_ => { }));
if (durations.Count == 0) { Console.Error.WriteLine("no refresh completed"); return 1; }

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
return 0;

sealed class RecordingSink : IReadingSink
{
    public TaskCompletionSource Next = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public void Publish(Reading reading) => Next.TrySetResult();
    public void ReportLinkState(string deviceId, LinkState state, string? reason = null) { }
}
