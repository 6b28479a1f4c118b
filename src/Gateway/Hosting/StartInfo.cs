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

    /// <summary>The version with the commit it was built from ("0.1.0+4ce4b1d…"), as <c>gateway --version</c> prints it.</summary>
    public static string BuildVersion { get; } =
        typeof(StartInfo).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion ?? "0.0.0";

    /// <summary>The version without the commit, for logs, Home Assistant's device page and the API.</summary>
    public static string Version { get; } = BuildVersion.Split('+')[0];
}
