using System.Collections.Concurrent;
using Gateway.Drivers.Readings;

namespace Gateway.Tests.Nut;

/// <summary>An IReadingSink that remembers the latest reading and every link state reported.</summary>
internal sealed class RecordingSink : IReadingSink
{
    private volatile UpsReading? _latest;
    public ConcurrentQueue<(LinkState State, string? Reason)> States { get; } = new();
    public UpsReading? Latest => _latest;
    public LinkState? LastState { get; private set; }
    public int Readings;

    public void Publish(Reading reading)
    {
        _latest = (UpsReading)reading;
        Interlocked.Increment(ref Readings);
        LastState = LinkState.Connected;
    }

    public void ReportLinkState(string deviceId, LinkState state, string? reason = null)
    {
        States.Enqueue((state, reason));
        LastState = state;
    }
}
