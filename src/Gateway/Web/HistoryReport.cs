using Gateway.Storage;

namespace Gateway.Web;

/// <summary>The body of GET /api/history/{device}: one downsampled series.</summary>
public sealed record HistoryReport(string Device, string Metric, string Unit, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<HistoryPointView> Points);

public sealed record HistoryPointView(DateTimeOffset At, double Value)
{
    // A loop, not Select: LINQ over the HistoryPoint struct is generic code of its own in the native binary.
    public static HistoryPointView[] Of(IReadOnlyList<HistoryPoint> points)
    {
        var views = new HistoryPointView[points.Count];
        for (var i = 0; i < views.Length; i++) views[i] = new(points[i].At, points[i].Value);
        return views;
    }
}
