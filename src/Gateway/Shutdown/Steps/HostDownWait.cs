using System.Net.Sockets;

namespace Gateway.Shutdown.Steps;

/// <summary>
/// Verified shutdown: after a host was told to power off, polls its TCP port (the SSH port) until it no longer
/// answers — refused, reset or no answer at all — or the time is up. "It said it was shutting down" is not "it is
/// off": a NAS that takes minutes to stop its services must be down before the UPS output is cut.
/// </summary>
public static class HostDownWait
{
    public static readonly TimeSpan PollEvery = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(1);

    /// <summary>How long it took until the port stopped answering; null when it still answered at <paramref name="limit"/>.</summary>
    public static async Task<TimeSpan?> WaitAsync(string host, int port, TimeSpan limit, TimeProvider time, CancellationToken ct)
    {
        var start = time.GetTimestamp();
        while (true)
        {
            if (!await AnswersAsync(host, port, time, ct).ConfigureAwait(false)) return time.GetElapsedTime(start);
            if (time.GetElapsedTime(start) + PollEvery > limit) return null;
            await Task.Delay(PollEvery, time, ct).ConfigureAwait(false);
        }
    }

    /// <summary>True when a TCP connection to host:port is accepted within <see cref="ConnectTimeout"/>.</summary>
    public static async Task<bool> AnswersAsync(string host, int port, TimeProvider time, CancellationToken ct)
    {
        using var client = new TcpClient();
        using var timeout = new CancellationTokenSource(ConnectTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, ct);
        try
        {
            await client.ConnectAsync(host, port, linked.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return false;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
