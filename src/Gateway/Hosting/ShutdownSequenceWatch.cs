using Gateway.Readings;
using Microsoft.Extensions.Hosting;

namespace Gateway.Hosting;

/// <summary>
/// Watches the shutdown sequence for the systemd watchdog while it runs: every step reports (an event) within
/// <see cref="StepSilenceLimit"/>, or the sequence counts as hung. Between shutdowns there is nothing to watch.
/// </summary>
public sealed class ShutdownSequenceWatch : BackgroundService
{
    public const string LoopName = "shutdown-sequence";

    /// <summary>Longer than any step's own timeout (VM and container waits, SSH hosts, NUT host sync).</summary>
    public static readonly TimeSpan StepSilenceLimit = TimeSpan.FromMinutes(10);

    private readonly LoopMonitor _loops;
    private readonly EventSubscription _events;

    public ShutdownSequenceWatch(EventBus events, LoopMonitor loops)
    {
        _loops = loops;
        // Subscribed here, not in ExecuteAsync, so a sequence resumed at start is not missed.
        _events = events.Subscribe("sequence-watch", 64);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var e in _events.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false)) Observe(e);
        }
        catch (OperationCanceledException) { }
        finally { _loops.Unregister(LoopName); }
    }

    internal void Observe(GatewayEvent e)
    {
        switch (e.Kind)
        {
            case EventKinds.ShutdownStarted: _loops.Register(LoopName, StepSilenceLimit); break;
            case EventKinds.ShutdownStep: _loops.Beat(LoopName); break;
            case EventKinds.ShutdownFinished or EventKinds.ShutdownCancelled: _loops.Unregister(LoopName); break;
        }
    }

    public override void Dispose()
    {
        _events.Dispose();
        base.Dispose();
    }
}
