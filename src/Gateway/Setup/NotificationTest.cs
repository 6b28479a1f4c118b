using Gateway.Configuration;
using Gateway.Notifications;
using Gateway.Readings;

namespace Gateway.Setup;

/// <summary>Sends one test message through a configured channel's own sender (the dispatcher's), once, and says what came back.</summary>
public static class NotificationTest
{
    public static async Task<ToolResult> SendAsync(INotificationSender sender, string gateway, TimeSpan timeout, TimeProvider time, CancellationToken ct)
    {
        var n = new Notification("test", EventSeverity.Info, $"Test message from {gateway}",
            $"This is a test sent from the setup page of gateway '{gateway}'. If you can read it, {sender.Name} notifications work.",
            time.GetUtcNow(), null, false, gateway, new Dictionary<string, string>());
        using var cts = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, cts.Token);
        try
        {
            await sender.SendAsync(n, linked.Token).ConfigureAwait(false);
            return new ToolResult(true, "ok", $"The test message was accepted by {sender.Name}; check that it arrived.");
        }
        catch (NotificationSendException e)
        {
            return new ToolResult(false, "send_failed", $"The test message was not delivered: {e.Message}.", FixFor(sender.Name, e.Message));
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            return new ToolResult(false, "timeout", $"{sender.Name} did not answer within {Duration.Format(timeout)}.",
                "Check the network and the server address; raise notifications.timeout if the server is slow.");
        }
    }

    private static string FixFor(string channel, string problem)
    {
        if (problem.Contains("HTTP 401", StringComparison.Ordinal) || problem.Contains("HTTP 403", StringComparison.Ordinal))
            return channel == "ntfy" ? "Check notifications.ntfy.token (the topic may need an access token)." : $"Check the {channel} URL: the server refused it.";
        if (problem.Contains("HTTP 404", StringComparison.Ordinal))
            return channel == "discord" ? "The Discord webhook was deleted or the URL is wrong: create a new webhook and paste its URL." : $"Check the {channel} URL: the server does not know it.";
        return $"Check the {channel} address and that this machine can reach it (DNS, firewall, proxy).";
    }
}
