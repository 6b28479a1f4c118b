using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.Hosting;

/// <summary>Serves the demo simulators on their pty masters for the life of the host.</summary>
internal sealed class DemoSimulatorService(DemoSimulators demo, ILogger<DemoSimulatorService> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        log.LogInformation("Demo mode: simulated MUST EP20 on {MustPty}, simulated EM340 on {MeterPty}; POST /api/demo/power-cut and /api/demo/power-restore to play an outage",
            demo.MustPty.SlavePath, demo.MeterPty.SlavePath);
        await Task.WhenAll(
            Serve("MUST", demo.MustServer.RunAsync, stoppingToken),
            Serve("EM340", demo.MeterServer.RunAsync, stoppingToken)).ConfigureAwait(false);
    }

    private async Task Serve(string name, Func<CancellationToken, Task> run, CancellationToken ct)
    {
        await Task.Yield();
        try
        {
            await run(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            log.LogError("Demo {Name} simulator stopped: {Error}", name, e.Message);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        demo.Dispose();
    }
}
