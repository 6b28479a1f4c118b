namespace Gateway.Web;

/// <summary>One value of a reading with its unit (V, A, W, %, s, °C, kWh, …; empty for a plain number).</summary>
public sealed record MetricValue(double Value, string Unit);
