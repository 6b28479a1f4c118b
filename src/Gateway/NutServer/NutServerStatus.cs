namespace Gateway.NutServer;

/// <summary>What the server is doing right now, for /api/health.</summary>
public sealed class NutServerStatus
{
    private int _clients;
    private long _refused;
    private Snapshot _state = new("starting", true, null);

    public string State => Volatile.Read(ref _state).State;
    public bool Healthy => _state.Healthy;
    public string? Detail => _state.Detail;

    public int Clients => Volatile.Read(ref _clients);
    /// <summary>Connections closed at once because <c>max_connections</c> was reached.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    internal void Set(string state, bool healthy, string? detail) => Volatile.Write(ref _state, new Snapshot(state, healthy, detail));
    internal void Connected() => Interlocked.Increment(ref _clients);
    internal void Disconnected() => Interlocked.Decrement(ref _clients);
    internal void CountRefused() => Interlocked.Increment(ref _refused);

    private sealed record Snapshot(string State, bool Healthy, string? Detail);
}
