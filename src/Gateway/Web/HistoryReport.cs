namespace Gateway.Web;

/// <summary>The body of GET /api/history/{device}: one downsampled series.</summary>
public sealed record HistoryReport(string Device, string Metric, string Unit, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<HistoryPointView> Points);

public sealed record HistoryPointView(DateTimeOffset At, double Value);
