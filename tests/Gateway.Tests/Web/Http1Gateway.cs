namespace Gateway.Tests.Web;

/// <summary>
/// One real gateway (child process, --simulate, web on a free loopback port) for <see cref="HttpProtocolTests"/>.
/// Set GATEWAY_TEST_BINARY to a published native AOT gateway to run them against it: the AOT build replaces Kestrel's
/// protocol selection with "HTTP/1.1" (src/Gateway/Trimming/KestrelHttp1Only.xml), the JIT gateway.dll keeps Kestrel's own.
/// </summary>
public sealed class Http1Gateway : IAsyncLifetime
{
    private readonly TempDir _dir = new("gw-http1");

    public GatewayProcess Gateway { get; private set; } = null!;
    public int WebPort { get; } = FreePort.Next();
    public string Web => $"http://127.0.0.1:{WebPort}";
    public string? Binary { get; } = Environment.GetEnvironmentVariable("GATEWAY_TEST_BINARY") is { Length: > 0 } b ? b : null;

    public async Task InitializeAsync()
    {
        Gateway = GatewayProcess.Start(
        [
            "run", "--simulate",
            "--set", $"web.listen={Web}",
            "--set", $"nut_server.listen=127.0.0.1:{FreePort.Next()}",
            "--set", "history.enabled=false",
            "--set", "mqtt.enabled=false",
            "--set", "mqtt.embedded_broker=false",
            "--set", $"gateway.data_dir={Path.Combine(_dir.Path, "data")}",
        ], _dir.Path, executable: Binary);
        (await Gateway.WaitForHttpAsync(Web + "/api/health", TimeSpan.FromSeconds(60))).Dispose();
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        _dir.Dispose();
    }
}
