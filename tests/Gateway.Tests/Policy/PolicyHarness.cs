using System.Globalization;
using Gateway.Configuration;
using Gateway.Drivers.Readings;
using Gateway.Policy;

namespace Gateway.Tests.Policy;

/// <summary>What the UPS says at one moment; null in a script means no data (the link is lost).</summary>
public sealed record UpsSample(string Status, double? Charge = null, double? Runtime = null);

/// <summary>
/// Replays a scripted outage against a <see cref="ShutdownPolicy"/> in virtual time: a reading every poll interval
/// (from the script) and a clock tick every second, as the runner does. Records every decision with its time.
/// </summary>
public sealed class PolicyHarness
{
    public static readonly DateTimeOffset Epoch = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    public const string Device = "ups";

    public PolicyHarness(PolicyOptions? options = null, TimeSpan? poll = null, bool dryRun = false)
    {
        Options = options ?? new PolicyOptions();
        Poll = poll ?? TimeSpan.FromSeconds(2);
        Policy = new ShutdownPolicy(Options, Device, Poll, dryRun);
    }

    public PolicyOptions Options { get; }
    public TimeSpan Poll { get; }
    public ShutdownPolicy Policy { get; }
    public TimeSpan Now { get; private set; }
    /// <summary>The wall clock's offset from the monotonic clock (a clock jump changes it).</summary>
    public TimeSpan WallOffset { get; set; }
    public DateTimeOffset Wall => Epoch + Now + WallOffset;
    public List<(TimeSpan At, PolicyDecision Decision)> Decisions { get; } = [];

    public (TimeSpan At, TriggerHit Trigger)? Fired =>
        Decisions.Where(d => d.Decision.Action == PolicyAction.StartShutdown).Select(d => ((TimeSpan, TriggerHit)?)(d.At, d.Decision.Trigger!)).FirstOrDefault();

    public int StartCount => Decisions.Count(d => d.Decision.Action == PolicyAction.StartShutdown);
    public TimeSpan? CancelledAt => Decisions.Where(d => d.Decision.Action == PolicyAction.CancelShutdown).Select(d => (TimeSpan?)d.At).FirstOrDefault();
    public IEnumerable<string> Messages => Decisions.Where(d => d.Decision.Changed).Select(d => d.Decision.Message!);

    public static UpsReading Reading(UpsSample s, DateTimeOffset at)
    {
        var vars = new Dictionary<string, string>();
        if (s.Charge is { } c) vars[NutNames.BatteryCharge] = c.ToString("0.###", CultureInfo.InvariantCulture);
        if (s.Runtime is { } r) vars[NutNames.BatteryRuntime] = r.ToString("0", CultureInfo.InvariantCulture);
        return new UpsReading(Device, at, TimeSpan.FromSeconds(10), UpsStatus.Parse(s.Status), vars);
    }

    /// <summary>Feeds one reading now.</summary>
    public PolicyDecision Feed(UpsSample s) => Record(Policy.Evaluate(new PolicyObservation(Now, Wall, Reading(s, Wall), LinkState.Connected)));

    public PolicyDecision Tick(LinkState link = LinkState.Connected) => Record(Policy.Evaluate(new PolicyObservation(Now, Wall, null, link)));

    /// <summary>
    /// Runs the script from now for <paramref name="duration"/>: at every poll the script (given the time since
    /// <paramref name="origin"/>, default the start of this run) says what the UPS reports, or null for no data.
    /// Ticks every second in between.
    /// </summary>
    public void Run(TimeSpan duration, Func<TimeSpan, UpsSample?> script, TimeSpan? origin = null)
    {
        var start = origin ?? Now;
        var end = Now + duration;
        var nextPoll = Now;
        var link = LinkState.Connected;
        while (Now <= end)
        {
            if (Now >= nextPoll)
            {
                var s = script(Now - start);
                if (s is null)
                {
                    if (link == LinkState.Connected) { link = LinkState.Lost; Tick(link); }
                }
                else
                {
                    link = LinkState.Connected;
                    Feed(s);
                }
                nextPoll += Poll;
            }
            else
            {
                Tick(link);
            }
            Now += TimeSpan.FromSeconds(1);
        }
    }

    public void Advance(TimeSpan by) => Now += by;

    private PolicyDecision Record(PolicyDecision d)
    {
        Decisions.Add((Now, d));
        return d;
    }
}
