using Gateway.Readings;

namespace Gateway.Storage;

/// <summary>The store when <c>history.enabled: false</c>: no series, and the events still held in memory by the bus.</summary>
internal sealed class RecentEventsHistoryStore(EventBus events) : IHistoryStore
{
    public Task<IReadOnlyList<HistoryPoint>> QueryAsync(string deviceId, string metric, DateTimeOffset from, DateTimeOffset to, int maxPoints, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<HistoryPoint>>([]);

    public Task<IReadOnlyList<GatewayEvent>> EventsAsync(int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var recent = events.Recent();
        return Task.FromResult<IReadOnlyList<GatewayEvent>>(recent.Reverse().Take(limit).ToArray());
    }
}
