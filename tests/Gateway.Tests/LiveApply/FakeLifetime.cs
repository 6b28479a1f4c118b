using Microsoft.Extensions.Hosting;

namespace Gateway.Tests.LiveApply;

/// <summary>An application lifetime that only records whether the application was asked to stop.</summary>
public sealed class FakeLifetime : IHostApplicationLifetime
{
    private readonly CancellationTokenSource _stopping = new();

    public CancellationToken ApplicationStarted => CancellationToken.None;
    public CancellationToken ApplicationStopping => _stopping.Token;
    public CancellationToken ApplicationStopped => CancellationToken.None;
    public bool StopRequested => _stopping.IsCancellationRequested;

    public void StopApplication() => _stopping.Cancel();
}
