namespace Gateway.Hosting;

/// <summary>The loops protection depends on, in /api/health: all alive, or which one hung (the systemd watchdog then restarts the gateway).</summary>
public sealed class LoopHealth(LoopMonitor loops) : IHealthContributor
{
    public string Name => "loops";

    public ComponentHealth Check()
    {
        var hung = loops.Hung();
        return hung.Count == 0
            ? new ComponentHealth("alive", true, string.Join(", ", loops.Loops))
            : new ComponentHealth("hung", false, $"not making progress: {string.Join(", ", hung)}; under systemd with WatchdogSec the gateway is restarted, otherwise restart it and report the log");
    }
}
