using MQTTnet;
using MQTTnet.Adapter;
using MQTTnet.Exceptions;

namespace Gateway.HomeAssistant;

/// <summary>Why an MQTT connect failed, in words (shared by the session's log and the setup page's broker test).</summary>
public static class MqttConnectFailure
{
    public static string DescribeRefusal(MqttClientConnectResultCode code, string? username) => code switch
    {
        MqttClientConnectResultCode.BadUserNameOrPassword or MqttClientConnectResultCode.NotAuthorized =>
            $"the broker rejected the credentials of user '{username ?? "(none)"}' ({code}); check mqtt.username and mqtt.password",
        _ => $"the broker refused the connection ({code})",
    };

    /// <param name="refused">
    /// True when the broker answered and said no (as opposed to not answering at all); a failed TLS handshake (an
    /// untrusted certificate, a plain port) is such an answer too, so the session backs off instead of retrying every
    /// second until someone fixes the configuration.
    /// </param>
    /// <param name="timedOut">True when nothing answered within <paramref name="timeout"/>.</param>
    public static string Describe(Exception e, string? username, TimeSpan timeout, out bool refused, out bool timedOut)
    {
        var reason = Classify(e, username, timeout, out refused, out timedOut);
        for (var x = e; x is not null && !refused; x = x.InnerException)
            refused = x is System.Security.Authentication.AuthenticationException;
        return reason;
    }

    private static string Classify(Exception e, string? username, TimeSpan timeout, out bool refused, out bool timedOut)
    {
        refused = true;
        timedOut = false;
        for (var x = e; x is not null; x = x.InnerException)
        {
            if (x is MqttConnectRefusedException) return x.Message;
            if (x is MqttConnectingFailedException)
            {
                // MQTTnet 5 carries the CONNACK code only in the message text ("... failed (BadUserNameOrPassword).").
                foreach (var code in Enum.GetValues<MqttClientConnectResultCode>())
                    if (code != MqttClientConnectResultCode.Success && x.Message.Contains("(" + code + ")", StringComparison.Ordinal)) return DescribeRefusal(code, username);
                return x.Message;
            }
            if (x is System.Net.Sockets.SocketException s)
            {
                refused = false;
                return Describe(s);
            }
            if (x is OperationCanceledException or MqttCommunicationTimedOutException)
            {
                refused = false;
                timedOut = true;
                return NoAnswer(timeout);
            }
        }
        refused = false;
        return e.Message;
    }

    /// <summary>A socket's failure to reach the broker (the broker never answered).</summary>
    public static string Describe(System.Net.Sockets.SocketException e) => $"{e.SocketErrorCode}: {e.Message}";

    public static string NoAnswer(TimeSpan timeout) => $"no answer within {timeout.TotalSeconds:0}s";
}
