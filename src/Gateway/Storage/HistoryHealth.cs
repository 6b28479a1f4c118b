using Gateway.Hosting;

namespace Gateway.Storage;

/// <summary>The history database in /api/health: writing, or why not.</summary>
internal sealed class HistoryHealth(SqliteHistoryStore store) : IHealthContributor
{
    public string Name => "history";

    public ComponentHealth Check()
    {
        if (store.LastFailure is { } failure) return new ComponentHealth("failing", false, failure);
        if (!store.IsOpen) return new ComponentHealth("opening", true, store.DatabasePath);
        return new ComponentHealth("writing", true,
            $"{store.DatabasePath}: {store.Transactions} transactions, {store.SamplesWritten} samples, {store.EventsWritten} events written; {store.PendingCount} queued");
    }
}
