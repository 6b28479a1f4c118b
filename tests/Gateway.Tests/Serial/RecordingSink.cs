using System.Collections.Concurrent;
using Gateway.Drivers.Readings;

namespace Gateway.Tests.Serial;

/// <summary>An <see cref="IReadingSink"/> that remembers everything, with polling waits for tests.</summary>
public sealed class RecordingSink : IReadingSink
{
    private readonly ConcurrentQueue<Reading> _readings = new();
    private readonly ConcurrentQueue<(LinkState State, string? Reason, DateTimeOffset At)> _states = new();

    public IReadOnlyList<Reading> Readings => _readings.ToArray();
    public IReadOnlyList<(LinkState State, string? Reason, DateTimeOffset At)> States => _states.ToArray();
    public LinkState? Current => _states.LastOrDefault().State is var s && !_states.IsEmpty ? s : null;
    public T? Latest<T>() where T : Reading => _readings.OfType<T>().LastOrDefault();

    public void Publish(Reading reading) => _readings.Enqueue(reading);

    public void ReportLinkState(string deviceId, LinkState state, string? reason = null)
    {
        if (!_states.IsEmpty && _states.Last().State == state) return;
        _states.Enqueue((state, reason, DateTimeOffset.UtcNow));
    }

    public static async Task WaitUntil(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out after {timeout.TotalSeconds:0} s waiting for {what}");
            await Task.Delay(20);
        }
    }
}
