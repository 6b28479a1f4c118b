namespace Gateway.Drivers.Readings;

/// <summary>A UPS reading's metrics, parsed from its variables the first time they are asked for.</summary>
internal sealed class UpsMetricsOnce(IReadOnlyDictionary<string, string> variables)
{
    private Metric[]? _value;

    public IReadOnlyList<Metric> Value => _value ??= UpsReading.BuildMetrics(variables);
}
