namespace Gateway.Web;

/// <summary>Lets one shutdown rehearsal run at a time over the API (a second request gets 409).</summary>
public sealed class RehearsalLock
{
    public SemaphoreSlim Gate { get; } = new(1, 1);
}
