namespace Gateway.Hosting;

/// <summary>When this process started, for uptime. Uses the injected clock.</summary>
public sealed class StartInfo
{
    private readonly TimeProvider _time;
    private readonly long _startTimestamp;

    public StartInfo(TimeProvider time)
    {
        _time = time;
        _startTimestamp = time.GetTimestamp();
        StartedAt = time.GetUtcNow();
    }

    public DateTimeOffset StartedAt { get; }
    public TimeSpan Uptime => _time.GetElapsedTime(_startTimestamp);

    public static string Version { get; } =
        (typeof(StartInfo).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion ?? "0.0.0").Split('+')[0];
}
