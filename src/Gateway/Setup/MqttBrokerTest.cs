using System.Net.Sockets;
using System.Security.Authentication;
using Gateway.Configuration;
using Gateway.HomeAssistant;
using MQTTnet;

namespace Gateway.Setup;

/// <summary>
/// The MQTT broker test: one connect with the given (or configured) host, port, credentials and TLS, under its own
/// client id so the running session is not kicked off, then a clean disconnect. Says connected, refused (and why),
/// unreachable or timed out.
/// </summary>
public static class MqttBrokerTest
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public static MqttOptions Merge(MqttOptions configured, MqttTestRequest request) => configured with
    {
        Host = string.IsNullOrWhiteSpace(request.Host) ? configured.Host : request.Host.Trim(),
        Port = request.Port ?? configured.Port,
        Username = request.Username is null ? configured.Username : request.Username.Length == 0 ? null : request.Username,
        Password = string.IsNullOrEmpty(request.Password) ? configured.Password : request.Password,
        Tls = request.Tls ?? configured.Tls,
        CaFile = string.IsNullOrWhiteSpace(request.CaFile) ? configured.CaFile : request.CaFile,
    };

    public static async Task<ToolResult> RunAsync(MqttOptions o, TimeProvider time, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(o.Host))
            return new ToolResult(false, "no_host", "No broker is set.", "Enter the broker's host name or address (e.g. the Home Assistant machine running the Mosquitto add-on).");
        if (o.Port is < 1 or > 65535)
            return new ToolResult(false, "bad_port", $"Port {o.Port} is not a TCP port.", "Use 1883 (plain) or 8883 (TLS) unless the broker says otherwise.");
        var target = $"{o.Host}:{o.Port}";
        var facts = new List<ToolFact>
        {
            new("broker", target),
            new("user", o.Username ?? "(anonymous)"),
            new("tls", o.Tls ? (o.CaFile is null ? "on (system CAs)" : $"on (CA {o.CaFile})") : "off"),
        };
        var b = new MqttClientOptionsBuilder()
            .WithTcpServer(o.Host, o.Port)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .WithClientId(o.ClientId + "-test")
            .WithCleanSession()
            .WithTimeout(Timeout);
        if (o.Username is { } user) b.WithCredentials(user, o.Password ?? "");
        if (o.Tls)
            b.WithTlsOptions(t =>
            {
                t.UseTls();
                if (o.CaFile is { } caFile) t.WithCertificateValidationHandler(args => MqttSession.ValidateWithCa(caFile, args.Certificate, args.SslPolicyErrors));
            });
        using var client = new MqttClientFactory().CreateMqttClient();
        using var timeout = new CancellationTokenSource(Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        try
        {
            var result = await client.ConnectAsync(b.Build(), linked.Token).ConfigureAwait(false);
            if (result.ResultCode != MqttClientConnectResultCode.Success)
                throw new MqttConnectRefusedException(MqttConnectFailure.DescribeRefusal(result.ResultCode, o.Username));
            await client.DisconnectAsync(new MqttClientDisconnectOptions(), CancellationToken.None).ConfigureAwait(false);
            return new ToolResult(true, "ok", $"Connected to the broker at {target}{(o.Username is null ? " without a user" : $" as '{o.Username}'")}{(o.Tls ? " over TLS" : "")}.", null, facts);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            if (Find<AuthenticationException>(e) is { } tls)
                return new ToolResult(false, "tls_failed", $"The TLS handshake with {target} failed: {tls.Message}.",
                    o.CaFile is null
                        ? "If the broker uses its own certificate authority, set the CA file (ca_file) to its certificate; check that the port is the broker's TLS port (usually 8883)."
                        : $"Check that {o.CaFile} is the CA that signed the broker's certificate and that the certificate names {o.Host}.", facts);
            var reason = MqttConnectFailure.Describe(e, o.Username, Timeout, out var refused, out var timedOut);
            // MQTTnet wraps a connect that got no CONNACK in time as a "connecting failed"; that is no answer, not a refusal.
            if (timeout.IsCancellationRequested || Find<MQTTnet.Exceptions.MqttCommunicationTimedOutException>(e) is not null || Find<OperationCanceledException>(e) is not null)
                (refused, timedOut) = (false, true);
            if (refused)
                return new ToolResult(false, "refused", $"The broker at {target} refused the connection: {reason}.",
                    "Check the user name and password (on Mosquitto: mosquitto_passwd; on Home Assistant: the user of the MQTT add-on).", facts);
            if (timedOut)
                return new ToolResult(false, "timeout", $"No answer from {target} within {Timeout.TotalSeconds:0} s.",
                    "Check the host and port, that the broker is running, and that no firewall drops the connection (with TLS on, the port must be the TLS port).", facts);
            if (Find<SocketException>(e) is { SocketErrorCode: SocketError.ConnectionRefused })
                return new ToolResult(false, "unreachable", $"Nothing listens on {target} (connection refused).",
                    "Check the port (1883 plain, 8883 TLS) and that the broker is running on that machine.", facts);
            return new ToolResult(false, "unreachable", $"Cannot reach {target}: {reason}.", "Check the host name or address and the network.", facts);
        }
    }

    private static T? Find<T>(Exception e) where T : Exception
    {
        for (var x = e; x is not null; x = x.InnerException)
            if (x is T t) return t;
        return null;
    }
}
