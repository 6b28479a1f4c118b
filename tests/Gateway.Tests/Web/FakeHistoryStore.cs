using Gateway.Readings;
using Gateway.Storage;

namespace Gateway.Tests.Web;

/// <summary>Answers history queries with a fixed series and remembers what it was asked.</summary>
public sealed class FakeHistoryStore : IHistoryStore
{
    public (string Device, string Metric, DateTimeOffset From, DateTimeOffset To, int MaxPoints)? LastQuery { get; private set; }
    public List<GatewayEvent> StoredEvents { get; } = [];

    public Task<IReadOnlyList<HistoryPoint>> QueryAsync(string deviceId, string metric, DateTimeOffset from, DateTimeOffset to, int maxPoints, CancellationToken cancellationToken)
    {
        LastQuery = (deviceId, metric, from, to, maxPoints);
        IReadOnlyList<HistoryPoint> points = [new(from.AddMinutes(1), 90), new(from.AddMinutes(2), 89.5)];
        return Task.FromResult(points);
    }

    public Task<IReadOnlyList<GatewayEvent>> EventsAsync(int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<GatewayEvent>>(StoredEvents.OrderByDescending(e => e.At).Take(limit).ToArray());
}
