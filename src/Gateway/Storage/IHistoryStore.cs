using Gateway.Readings;

namespace Gateway.Storage;

/// <summary>Reads history and the event log (implemented by the SQLite store).</summary>
public interface IHistoryStore
{
    /// <summary>A series of one metric (a <see cref="Gateway.Drivers.Readings.Metric.Key"/>) of one device, at most <paramref name="maxPoints"/> points.</summary>
    Task<IReadOnlyList<HistoryPoint>> QueryAsync(string deviceId, string metric, DateTimeOffset from, DateTimeOffset to, int maxPoints, CancellationToken cancellationToken);

    /// <summary>The newest events first.</summary>
    Task<IReadOnlyList<GatewayEvent>> EventsAsync(int limit, CancellationToken cancellationToken);
}
