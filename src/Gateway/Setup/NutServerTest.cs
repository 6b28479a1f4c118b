using Gateway.Drivers.Nut;

namespace Gateway.Setup;

/// <summary>
/// The NUT "test connection" (<c>gateway nut test</c> and the setup page): connect, list the UPSes, log in when a
/// user is given, read the variables; each step in words, and a failure explained (what the server's error word
/// means and what to change).
/// </summary>
public static class NutServerTest
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    /// <param name="variables">Receives the UPS's variables when the test gets that far.</param>
    /// <param name="tls">STARTTLS first, with the certificate checked as the driver checks it (a configured <c>tls: true</c> device); null for plain.</param>
    public static async Task<ToolResult> RunAsync(string host, int port, string? ups, string? user, string? password, TimeProvider time, CancellationToken ct,
        Action<IReadOnlyDictionary<string, string>>? variables = null, NutTlsSettings? tls = null)
    {
        var steps = new List<ToolStep>();
        NutClient client;
        try
        {
            client = await NutClient.ConnectAsync(host, port, Timeout, time, ct).ConfigureAwait(false);
        }
        catch (NutException e)
        {
            steps.Add(new ToolStep(false, $"connect: {e.Message}"));
            return Fail("connect_failed", $"No NUT server answers at {host}:{port}: {e.Message.TrimEnd('.')}.",
                "Check the address and port (3493 by default), that upsd runs there and listens on the network (LISTEN in upsd.conf), and any firewall.", steps);
        }
        await using var _ = client.ConfigureAwait(false);
        var step = "STARTTLS";
        try
        {
            if (tls is not null)
            {
                try
                {
                    await client.StartTlsAsync(host, tls, ct).ConfigureAwait(false);
                }
                catch (NutException e)
                {
                    steps.Add(new ToolStep(false, $"STARTTLS: {e.Message}"));
                    return Fail("tls_failed", $"STARTTLS with {host}:{port} failed: {e.Message.TrimEnd('.')}.",
                        "Check tls_ca_file or tls_fingerprint against the server's certificate, and that upsd has a certificate (CERTFILE in upsd.conf); or set tls: false.", steps);
                }
                steps.Add(new ToolStep(true, "STARTTLS: encrypted, certificate verified"));
            }
            step = "VER";
            steps.Add(new ToolStep(true, $"connected to {host}:{port}: {await client.GetVersionAsync(ct).ConfigureAwait(false)}"));
            step = "LIST UPS";
            var list = await client.ListUpsAsync(ct).ConfigureAwait(false);
            if (list.Count == 0)
            {
                steps.Add(new ToolStep(false, "the server lists no UPS (its ups.conf has no working section, or every driver is down)"));
                return Fail("no_ups", "The NUT server lists no UPS.", "Check ups.conf on the server and start its driver (upsdrvctl start).", steps);
            }
            steps.Add(new ToolStep(true, $"UPSes: {string.Join(", ", list.Select(u => $"{u.Key} ({u.Value})"))}"));
            var name = ups ?? list[0].Key;
            if (!list.Any(u => string.Equals(u.Key, name, StringComparison.OrdinalIgnoreCase)))
            {
                steps.Add(new ToolStep(false, $"unknown UPS '{name}': the server has {string.Join(", ", list.Select(u => u.Key))} (set 'ups:' to one of them)"));
                return Fail("unknown_ups", $"The server has no UPS named '{name}'.", $"Set the UPS name to one of: {string.Join(", ", list.Select(u => u.Key))}.", steps);
            }
            if (user is not null)
            {
                step = "login";
                await client.AuthenticateAsync(user, password ?? "", ct).ConfigureAwait(false);
                await client.LoginAsync(name, ct).ConfigureAwait(false);
                steps.Add(new ToolStep(true, $"logged in to {name} as '{user}'"));
            }
            step = "LIST VAR";
            var vars = await client.ListVariablesAsync(name, ct).ConfigureAwait(false);
            steps.Add(new ToolStep(true, $"{vars.Count} variables of {name}"));
            variables?.Invoke(vars);
            var status = vars.FirstOrDefault(v => v.Key == "ups.status").Value;
            var charge = vars.FirstOrDefault(v => v.Key == "battery.charge").Value;
            var facts = vars.Where(v => v.Key is "ups.status" or "battery.charge" or "battery.runtime" or "ups.model" or "device.model" or "ups.mfr" or "device.mfr")
                .Select(v => new ToolFact(v.Key, v.Value)).ToArray();
            return new ToolResult(true, "ok",
                $"The NUT server at {host}:{port} serves {name}{(status is null ? "" : $": status {status}")}{(charge is null ? "" : $", battery {charge} %")}.", null, facts, steps);
        }
        catch (NutException e)
        {
            var explained = Explain(e, user, ups);
            steps.Add(new ToolStep(false, $"{step}: {explained}"));
            return Fail(e.ErrorWord?.ToLowerInvariant().Replace('-', '_') ?? "failed", $"{step} failed: {explained}.", null, steps);
        }
    }

    private static ToolResult Fail(string status, string message, string? fix, List<ToolStep> steps) => new(false, status, message, fix, null, steps);

    /// <summary>A server error in plain words: what it means and what to change.</summary>
    public static string Explain(NutException e, string? user, string? ups) => e.ErrorWord switch
    {
        NutErrors.AccessDenied when user is not null =>
            $"access denied for user '{user}': wrong password, or the user has no 'upsmon primary|secondary' line in upsd.users (a Synology NAS also needs this machine's IP in its permitted list)",
        NutErrors.AccessDenied => "access denied: the server only answers permitted addresses (Synology: add this machine under 'Permitted DiskStation devices')",
        NutErrors.UnknownUps => $"unknown UPS '{ups}': the server has no UPS by that name",
        NutErrors.DataStale => "stale data: the server's driver gets no fresh values from the UPS (check the cable/USB, then restart the NUT driver)",
        NutErrors.DriverNotConnected => "the server's driver for this UPS is not running or not connected (check 'upsdrvctl start' / 'systemctl status nut-driver@…' on the server)",
        NutErrors.UsernameRequired or NutErrors.PasswordRequired => "the server wants a user name and password (--user, --password)",
        _ => e.Message,
    };
}
