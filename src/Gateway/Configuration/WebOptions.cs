namespace Gateway.Configuration;

/// <summary><c>web:</c> — dashboard, JSON API and /metrics.</summary>
public sealed record WebOptions : IFingerprinted
{
    void IFingerprinted.WriteFingerprint(FingerprintWriter w)
    {
        w.Add("enabled", Enabled);
        w.Add("listen", Listen);
        w.Add("api_token", ApiToken);
        w.Add("auth_reads", AuthReads);
        w.Add("alarms", Alarms);
        w.Add("max_connections", MaxConnections);
        w.Add("max_connections_per_address", MaxConnectionsPerAddress);
        w.Add("max_streams", MaxStreams);
    }

    public bool Enabled { get; init; } = true;
    public string Listen { get; init; } = "http://0.0.0.0:8080";
    /// <summary>Bearer token for actions (shutdown test, device commands). Without it, actions are refused.</summary>
    public string? ApiToken { get; init; }
    /// <summary>Require the token or a signed-in browser session for reads too.</summary>
    public bool AuthReads { get; init; }
    public AlarmThresholds Alarms { get; init; } = new();
    /// <summary>HTTP connections at once (Kestrel); more are closed at once.</summary>
    public int MaxConnections { get; init; } = 200;
    /// <summary>
    /// HTTP connections one address may hold at once; more are closed at once, and the last eighth of
    /// <see cref="MaxConnections"/> is kept for addresses holding none. Behind a reverse proxy every client is the proxy's address.
    /// </summary>
    public int MaxConnectionsPerAddress { get; init; } = 64;
    /// <summary>Open dashboard live streams (/api/stream) at once; more get 503.</summary>
    public int MaxStreams { get; init; } = 32;

    internal static WebOptions Bind(ConfigSection s)
    {
        var listen = s.String("listen", "http://0.0.0.0:8080");
        if (!Uri.TryCreate(listen.Replace("://*", "://0.0.0.0").Replace("://+", "://0.0.0.0"), UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
            s.Error("listen", $"expected a URL such as http://0.0.0.0:8080, got '{listen}'");
        else if (uri.Scheme == "https")
            s.Error("listen", $"'{listen}' asks for HTTPS, but the dashboard serves plain HTTP on the LAN; use http:// here (e.g. http://0.0.0.0:8080) and put a reverse proxy such as Caddy or nginx in front of it for TLS");
        var token = s.OptionalString("api_token");
        if (token is { Length: > 0 and < 16 })
            s.Warning("api_token", "is shorter than 16 characters; use a long random token (e.g. openssl rand -hex 24)");
        // Without a token, reads need the browser sign-in (the admin password set at /settings); see docs/settings.md.
        var authReads = s.Bool("auth_reads", false);
        return new WebOptions
        {
            Enabled = s.Bool("enabled", true),
            Listen = listen,
            ApiToken = token,
            AuthReads = authReads,
            Alarms = AlarmThresholds.Bind(s.Section("alarms")),
            MaxConnections = s.Int("max_connections", 200, 8, 100_000),
            MaxConnectionsPerAddress = s.Int("max_connections_per_address", 64, 1, 100_000),
            MaxStreams = s.Int("max_streams", 32, 1, 10_000),
        };
    }
}
