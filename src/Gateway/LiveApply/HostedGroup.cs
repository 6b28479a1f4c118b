using Microsoft.Extensions.Hosting;

namespace Gateway.LiveApply;

/// <summary>Hosted services that make one rebuilt part (e.g. the Home Assistant bridge and the publisher sharing its MQTT session): started in order, stopped in reverse.</summary>
public sealed class HostedGroup(params IHostedService[] parts) : IHostedService, IDisposable
{
    public IReadOnlyList<IHostedService> Parts { get; } = parts;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var p in Parts) await p.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var p in Parts.Reverse()) await p.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        foreach (var p in Parts) (p as IDisposable)?.Dispose();
    }
}
