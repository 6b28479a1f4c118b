namespace Gateway.Drivers.Simulation;

/// <summary>
/// How the simulated MUST answers <c>shutdown.return</c> (register 32002 = 1): the output goes off at once (the
/// real UPS has no delay register; the gateway counts the delay) and comes back when mains returns. Given on line
/// power, the output goes off for <see cref="OffTimeOnLine"/> and comes back by itself, as a UPS that restores its
/// output "when power is back" does when the power never left (the real unit's behaviour on line is not documented).
/// </summary>
public sealed class MustRemoteShutdown(TimeProvider time)
{
    public static readonly TimeSpan OffTimeOnLine = TimeSpan.FromSeconds(10);

    private long? _offAt;
    private bool _onLineWhenCommanded;

    /// <summary>How many times the command was received.</summary>
    public int Count { get; private set; }

    /// <summary>When the output was last cut by the command (null while it has never been, or is back).</summary>
    public DateTimeOffset? OutputOffSince { get; private set; }

    /// <summary>The command arrived; the output is off from now.</summary>
    public void Commanded(bool mains)
    {
        Count++;
        _offAt = time.GetTimestamp();
        _onLineWhenCommanded = mains;
        OutputOffSince = time.GetUtcNow();
    }

    /// <summary>Whether the output cut by the command comes back now (mains returned, or the off time on line passed).</summary>
    public bool ReturnsNow(bool mains)
    {
        if (_offAt is not { } at) return false;
        var back = _onLineWhenCommanded ? mains && time.GetElapsedTime(at) >= OffTimeOnLine : mains;
        if (back) Released();
        return back;
    }

    /// <summary>The output is back for another reason (mains restored by hand).</summary>
    public void Released()
    {
        _offAt = null;
        OutputOffSince = null;
    }

    /// <summary>The output is held off by the command.</summary>
    public bool Holding => _offAt is not null;
}
