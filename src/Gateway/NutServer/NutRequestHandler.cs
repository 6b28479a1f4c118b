using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Gateway.Configuration;
using Gateway.DeviceCommands;
using Gateway.Drivers.Devices;
using Gateway.Drivers.Nut;
using Gateway.Drivers.Readings;
using Gateway.Hosting;
using Gateway.Readings;
using Microsoft.Extensions.Logging;

namespace Gateway.NutServer;

/// <summary>
/// Answers one request line the way upsd 2.8.0 does (server/netget.c, netlist.c, netset.c, netinstcmd.c,
/// netuser.c, netmisc.c): same reply formats, same error words, same order of checks. UPS, variable and
/// command names are echoed exactly as the client sent them, because clients compare the echo.
/// </summary>
public sealed class NutRequestHandler
{
    public const string Version = "Network UPS Tools upsd 2.8.0 - http://www.networkupstools.org/";
    public const string ProtocolVersion = "1.3";
    public const string Help = "Commands: HELP VER GET LIST SET INSTCMD LOGIN LOGOUT USERNAME PASSWORD STARTTLS";

    private readonly NutUpsCatalog _catalog;
    private readonly ReadingHub _hub;
    private readonly DeviceCommandGate _commands;
    private readonly NutUserDirectory _users;
    private readonly NutLoginRegistry _logins;
    private readonly NutFsdLatch _fsd;
    private readonly NutDescriptions _descriptions;
    private readonly TimeProvider _time;
    private readonly TimeSpan _maxAge;
    private readonly ILogger _log;
    private readonly LoginThrottle _throttle;
    private readonly ConcurrentDictionary<string, string> _tracking = new(StringComparer.OrdinalIgnoreCase);

    public NutRequestHandler(NutUpsCatalog catalog, ReadingHub hub, DeviceCommandGate commands, NutUserDirectory users,
        NutLoginRegistry logins, NutFsdLatch fsd, NutDescriptions descriptions, TimeProvider time, TimeSpan maxAge, ILogger log,
        LoginThrottle? throttle = null)
    {
        _throttle = throttle ?? ForNut(time, log);
        _catalog = catalog;
        _hub = hub;
        _commands = commands;
        _users = users;
        _logins = logins;
        _fsd = fsd;
        _descriptions = descriptions;
        _time = time;
        _maxAge = maxAge;
        _log = log;
    }

    public LoginThrottle Throttle => _throttle;

    /// <summary>The NUT server's lockout after wrong passwords (shared by every connection).</summary>
    public static LoginThrottle ForNut(TimeProvider time, ILogger log) =>
        new("NUT server", "passwords", "Check that host's upsmon.conf (or block it) if this is not you", time, log);

    /// <summary>Whether STARTTLS can be offered (a certificate is loaded).</summary>
    public bool TlsAvailable { get; set; }

    /// <summary>Appends the reply (LF-terminated lines) for one tokenized request. Consumes <paramref name="words"/>.</summary>
    public ValueTask<NutReplyAction> HandleAsync(NutSession session, List<string> words, StringBuilder reply, CancellationToken ct)
    {
        if (words.Count == 0) return ValueTask.FromResult(NutReplyAction.Continue);
        // ToUpperInvariant returns the same instance when the verb is already upper case, as clients send it.
        var verb = words[0].ToUpperInvariant();
        words.RemoveAt(0);
        IReadOnlyList<string> args = words;
        if (verb is "LOGIN" or "PRIMARY" or "MASTER" or "FSD" or "SET" or "INSTCMD")
        {
            if (session.Username is null) return Err(reply, NutErrors.UsernameRequired);
            if (session.Password is null) return Err(reply, NutErrors.PasswordRequired);
        }
        switch (verb)
        {
            case "VER": return Line(reply, Version);
            case "NETVER" or "PROTVER": return Line(reply, ProtocolVersion);
            case "HELP": return Line(reply, Help);
            case "STARTTLS": return StartTls(session, reply);
            case "LIST": List(args, reply); return Done;
            case "GET": Get(session, args, reply); return Done;
            case "USERNAME": return Username(session, args, reply);
            case "PASSWORD": return Password(session, args, reply);
            case "LOGIN": return Login(session, args, reply);
            case "LOGOUT":
                reply.Append("OK Goodbye\n");
                return ValueTask.FromResult(NutReplyAction.Close);
            case "PRIMARY" or "MASTER": return Primary(session, verb, args, reply);
            case "FSD": return Fsd(session, args, reply);
            case "SET": return Set(session, args, reply);
            case "INSTCMD": return InstantCommandAsync(session, args, reply, ct);
            default: return Err(reply, NutErrors.UnknownCommand);
        }
    }

    private static ValueTask<NutReplyAction> Done => ValueTask.FromResult(NutReplyAction.Continue);

    private static ValueTask<NutReplyAction> Line(StringBuilder reply, string line)
    {
        reply.Append(line).Append('\n');
        return Done;
    }

    private static ValueTask<NutReplyAction> Err(StringBuilder reply, string word)
    {
        reply.Append("ERR ").Append(word).Append('\n');
        return Done;
    }

    private ValueTask<NutReplyAction> StartTls(NutSession session, StringBuilder reply)
    {
        if (session.IsTls) return Err(reply, NutErrors.AlreadySslMode);
        if (!TlsAvailable) return Err(reply, NutErrors.FeatureNotConfigured);
        reply.Append("OK STARTTLS\n");
        return ValueTask.FromResult(NutReplyAction.StartTls);
    }

    // ---- availability -------------------------------------------------------------------------------------

    /// <summary>upsd's ups_available(): DRIVER-NOT-CONNECTED when there is no live driver, DATA-STALE when data is old.</summary>
    private string? Unavailable(NutServedUps ups, out UpsReading? reading)
    {
        reading = null;
        var snap = _hub.Get(ups.DeviceId);
        if (snap?.Latest is not UpsReading r || snap.Link is LinkState.Lost or LinkState.Connecting) return NutErrors.DriverNotConnected;
        if (snap.Link == LinkState.Stale || _time.GetUtcNow() - r.Timestamp > _maxAge) return NutErrors.DataStale;
        reading = r;
        return null;
    }

    private string StatusOf(NutServedUps ups, UpsReading r)
    {
        var status = r.Status.ToString();
        return _fsd.IsFsd(ups.DeviceId) && !r.Status.Has(UpsStatusFlags.FSD) ? (status.Length == 0 ? "FSD" : "FSD " + status) : status;
    }

    private string? ValueOf(NutServedUps ups, UpsReading r, string variable)
    {
        if (variable.Equals(NutNames.UpsStatus, StringComparison.OrdinalIgnoreCase)) return StatusOf(ups, r);
        if (r.Variables.TryGetValue(variable, out var v)) return v;
        foreach (var (k, value) in r.Variables)
            if (k.Equals(variable, StringComparison.OrdinalIgnoreCase)) return value;
        return null;
    }

    // ---- GET ---------------------------------------------------------------------------------------------

    private void Get(NutSession session, IReadOnlyList<string> a, StringBuilder reply)
    {
        if (a.Count >= 1 && a[0].Equals("TRACKING", StringComparison.OrdinalIgnoreCase))
        {
            GetTracking(session, a, reply);
            return;
        }
        if (a.Count < 2) { Err(reply, NutErrors.InvalidArgument); return; }
        var sub = a[0].ToUpperInvariant();
        var ups = _catalog.Find(a[1]);
        switch (sub)
        {
            case "UPSDESC":
                if (ups is null) { Err(reply, NutErrors.UnknownUps); return; }
                reply.Append("UPSDESC ").Append(a[1]).Append(' ');
                NutLineCodec.AppendQuoted(reply, string.IsNullOrEmpty(ups.Description) ? "Unavailable" : ups.Description);
                reply.Append('\n');
                return;
            case "NUMLOGINS":
                if (ups is null) { Err(reply, NutErrors.UnknownUps); return; }
                if (Unavailable(ups, out _) is { } e) { Err(reply, e); return; }
                reply.Append("NUMLOGINS ").Append(a[1]).Append(' ').Append(_logins.Count(ups.DeviceId).ToString(CultureInfo.InvariantCulture)).Append('\n');
                return;
            case "VAR" or "TYPE" or "DESC" or "CMDDESC":
                break;
            default:
                Err(reply, NutErrors.InvalidArgument);
                return;
        }
        if (a.Count < 3) { Err(reply, NutErrors.InvalidArgument); return; }
        if (ups is null) { Err(reply, NutErrors.UnknownUps); return; }
        var name = a[2];
        if (sub == "VAR" && name.Equals("server.version", StringComparison.OrdinalIgnoreCase))
        {
            AppendVar(reply, "VAR", a[1], name, "2.8.0");
            return;
        }
        if (sub == "VAR" && name.Equals("server.info", StringComparison.OrdinalIgnoreCase))
        {
            AppendVar(reply, "VAR", a[1], name, Version);
            return;
        }
        if (Unavailable(ups, out var r) is { } err) { Err(reply, err); return; }
        switch (sub)
        {
            case "VAR":
                if (ValueOf(ups, r!, name) is not { } value) { Err(reply, NutErrors.VarNotSupported); return; }
                AppendVar(reply, "VAR", a[1], name, value);
                return;
            case "TYPE":
                if (ValueOf(ups, r!, name) is not { } v) { Err(reply, NutErrors.VarNotSupported); return; }
                reply.Append("TYPE ").Append(a[1]).Append(' ').Append(name).Append(' ');
                if (double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out _)) reply.Append("NUMBER\n");
                else reply.Append("STRING:").Append(Math.Max(64, v.Length).ToString(CultureInfo.InvariantCulture)).Append('\n');
                return;
            case "DESC":
                AppendVar(reply, "DESC", a[1], name, _descriptions.Variable(name) ?? "Description unavailable");
                return;
            default:
                AppendVar(reply, "CMDDESC", a[1], name, _descriptions.Command(name) ?? "Description unavailable");
                return;
        }
    }

    private void GetTracking(NutSession session, IReadOnlyList<string> a, StringBuilder reply)
    {
        if (a.Count == 1)
        {
            reply.Append(session.Tracking ? "ON\n" : "OFF\n");
            return;
        }
        if (_tracking.TryGetValue(a[1], out var result)) reply.Append(result).Append('\n');
        else Err(reply, NutErrors.Unknown);
    }

    private static void AppendVar(StringBuilder reply, string kind, string ups, string name, string value)
    {
        reply.Append(kind).Append(' ').Append(ups).Append(' ').Append(name).Append(' ');
        NutLineCodec.AppendQuoted(reply, value);
        reply.Append('\n');
    }

    // ---- LIST --------------------------------------------------------------------------------------------

    private void List(IReadOnlyList<string> a, StringBuilder reply)
    {
        if (a.Count < 1) { Err(reply, NutErrors.InvalidArgument); return; }
        var sub = a[0].ToUpperInvariant();
        if (sub == "UPS")
        {
            reply.Append("BEGIN LIST UPS\n");
            foreach (var u in _catalog.All)
            {
                reply.Append("UPS ").Append(u.Name).Append(' ');
                NutLineCodec.AppendQuoted(reply, string.IsNullOrEmpty(u.Description) ? "Description unavailable" : u.Description);
                reply.Append('\n');
            }
            reply.Append("END LIST UPS\n");
            return;
        }
        var needs = sub switch { "VAR" or "RW" or "CMD" or "CLIENT" => 2, "ENUM" or "RANGE" => 3, _ => 0 };
        if (needs == 0 || a.Count < needs) { Err(reply, NutErrors.InvalidArgument); return; }
        var name = a[1];
        var ups = _catalog.Find(name);
        if (ups is null) { Err(reply, NutErrors.UnknownUps); return; }
        if (sub == "CLIENT")
        {
            reply.Append("BEGIN LIST CLIENT ").Append(name).Append('\n');
            foreach (var ip in _logins.Clients(ups.DeviceId)) reply.Append("CLIENT ").Append(name).Append(' ').Append(ip).Append('\n');
            reply.Append("END LIST CLIENT ").Append(name).Append('\n');
            return;
        }
        if (Unavailable(ups, out var r) is { } err) { Err(reply, err); return; }
        var header = needs == 3 ? $"{sub} {name} {a[2]}" : $"{sub} {name}";
        reply.Append("BEGIN LIST ").Append(header).Append('\n');
        switch (sub)
        {
            case "VAR":
                foreach (var (k, v) in r!.Variables)
                    AppendVar(reply, "VAR", name, k, k == NutNames.UpsStatus ? StatusOf(ups, r) : v);
                break;
            case "CMD":
                foreach (var c in _commands.Directory.CommandsOf(ups.DeviceId).Order(StringComparer.Ordinal))
                    reply.Append("CMD ").Append(name).Append(' ').Append(c).Append('\n');
                break;
            // RW, ENUM and RANGE: the gateway's UPS variables are read-only, so these lists are empty (not errors:
            // clients such as nut_webgui break on an error here).
        }
        reply.Append("END LIST ").Append(header).Append('\n');
    }

    // ---- credentials and login ----------------------------------------------------------------------------

    private static ValueTask<NutReplyAction> Username(NutSession s, IReadOnlyList<string> a, StringBuilder reply)
    {
        if (a.Count != 1) return Err(reply, NutErrors.InvalidArgument);
        if (s.Username is not null) return Err(reply, NutErrors.AlreadySetUsername);
        s.Username = a[0];
        return Line(reply, "OK");
    }

    private static ValueTask<NutReplyAction> Password(NutSession s, IReadOnlyList<string> a, StringBuilder reply)
    {
        if (a.Count != 1) return Err(reply, NutErrors.InvalidArgument);
        if (s.Password is not null) return Err(reply, NutErrors.AlreadySetPassword);
        s.Password = a[0];
        return Line(reply, "OK");
    }

    private ValueTask<NutReplyAction> Login(NutSession s, IReadOnlyList<string> a, StringBuilder reply)
    {
        if (a.Count != 1) return Err(reply, NutErrors.InvalidArgument);
        if (s.LoginUps is not null) return Err(reply, NutErrors.AlreadyLoggedIn);
        var ups = _catalog.Find(a[0]);
        if (ups is null) return Err(reply, NutErrors.UnknownUps);
        // A wrong password is counted by the throttle, which logs the offender once; not one line per guess.
        if (Authenticate(s) is null) return Err(reply, NutErrors.AccessDenied);
        s.LoginUps = ups;
        _logins.Add(s);
        _log.LogInformation("NUT server: user '{User}' from {Client} logged in to {Ups}", s.Username, s.RemoteAddress, ups.Name);
        return Line(reply, "OK");
    }

    private ValueTask<NutReplyAction> Primary(NutSession s, string verb, IReadOnlyList<string> a, StringBuilder reply)
    {
        if (a.Count != 1) return Err(reply, NutErrors.InvalidArgument);
        if (_catalog.Find(a[0]) is null) return Err(reply, NutErrors.UnknownUps);
        if (!MayDo(s, NutAction.Primary, verb, a[0])) return Err(reply, NutErrors.AccessDenied);
        return Line(reply, verb == "MASTER" ? "OK MASTER-GRANTED" : "OK PRIMARY-GRANTED");
    }

    private ValueTask<NutReplyAction> Fsd(NutSession s, IReadOnlyList<string> a, StringBuilder reply)
    {
        if (a.Count != 1) return Err(reply, NutErrors.InvalidArgument);
        var ups = _catalog.Find(a[0]);
        if (ups is null) return Err(reply, NutErrors.UnknownUps);
        if (!MayDo(s, NutAction.Fsd, "FSD", ups.Name)) return Err(reply, NutErrors.AccessDenied);
        _fsd.SetFsd(ups.DeviceId, $"FSD from user '{s.Username}' at {s.RemoteAddress}");
        return Line(reply, "OK FSD-SET");
    }

    /// <summary>The user behind the session's USERNAME and PASSWORD; null when wrong or while the address is locked out.</summary>
    private NutUserOptions? Authenticate(NutSession s) => Authenticate(s, out _);

    private NutUserOptions? Authenticate(NutSession s, out bool lockedOut) =>
        _throttle.Check(s.RemoteAddress, s.Username, () => _users.Authenticate(s.Username, s.Password), out lockedOut);

    /// <summary>PRIMARY, FSD and SET: allowed, or refused with one log line naming the user and address (except during a lockout, logged once by the throttle).</summary>
    private bool MayDo(NutSession s, NutAction action, string verb, string target)
    {
        var user = Authenticate(s, out var lockedOut);
        if (user is not null && NutUserDirectory.Allows(user, action)) return true;
        if (!lockedOut)
            _log.LogWarning("NUT server: refused {Verb} {Target} for user '{User}' from {Client}: {Reason}", verb, target, s.Username, s.RemoteAddress,
                user is null ? "wrong user name or password" : $"role '{user.Role}' may not (nut_server.users)");
        return false;
    }

    private bool MayRunCommand(NutSession s, string command, string ups)
    {
        var user = Authenticate(s, out var lockedOut);
        if (user is not null && NutUserDirectory.AllowsCommand(user, command)) return true;
        if (!lockedOut)
            _log.LogWarning("NUT server: refused INSTCMD {Ups} {Command} for user '{User}' from {Client}: {Reason}", ups, command, s.Username, s.RemoteAddress,
                user is null ? "wrong user name or password" : "the command is not in the user's instcmds (nut_server.users)");
        return false;
    }

    // ---- SET and INSTCMD ---------------------------------------------------------------------------------

    private ValueTask<NutReplyAction> Set(NutSession s, IReadOnlyList<string> a, StringBuilder reply)
    {
        if (a.Count >= 2 && a[0].Equals("TRACKING", StringComparison.OrdinalIgnoreCase))
        {
            if (a[1].Equals("ON", StringComparison.OrdinalIgnoreCase)) s.Tracking = true;
            else if (a[1].Equals("OFF", StringComparison.OrdinalIgnoreCase)) s.Tracking = false;
            else return Err(reply, NutErrors.InvalidArgument);
            return Line(reply, "OK");
        }
        if (a.Count < 4 || !a[0].Equals("VAR", StringComparison.OrdinalIgnoreCase)) return Err(reply, NutErrors.InvalidArgument);
        var ups = _catalog.Find(a[1]);
        if (ups is null) return Err(reply, NutErrors.UnknownUps);
        if (Unavailable(ups, out var r) is { } err) return Err(reply, err);
        if (!MayDo(s, NutAction.Set, "SET", $"{ups.Name} {a[2]}")) return Err(reply, NutErrors.AccessDenied);
        if (ValueOf(ups, r!, a[2]) is null) return Err(reply, NutErrors.VarNotSupported);
        // Every variable the gateway serves is a measurement or identity: none is writable.
        return Err(reply, NutErrors.ReadOnly);
    }

    private async ValueTask<NutReplyAction> InstantCommandAsync(NutSession s, IReadOnlyList<string> a, StringBuilder reply, CancellationToken ct)
    {
        if (a.Count < 2) return await Err(reply, NutErrors.InvalidArgument).ConfigureAwait(false);
        var ups = _catalog.Find(a[0]);
        if (ups is null) return await Err(reply, NutErrors.UnknownUps).ConfigureAwait(false);
        if (Unavailable(ups, out _) is { } err) return await Err(reply, err).ConfigureAwait(false);
        var command = _commands.Directory.CommandsOf(ups.DeviceId).FirstOrDefault(c => c.Equals(a[1], StringComparison.OrdinalIgnoreCase));
        if (command is null) return await Err(reply, NutErrors.CmdNotSupported).ConfigureAwait(false);
        if (!MayRunCommand(s, command, ups.Name)) return await Err(reply, NutErrors.AccessDenied).ConfigureAwait(false);
        var outcome = await _commands.RunAsync(ups.DeviceId, command, CommandSource.Nut(s.Username, s.RemoteAddress), ct).ConfigureAwait(false);
        if (s.Tracking)
        {
            var id = Guid.NewGuid().ToString();
            if (_tracking.Count > 10_000) _tracking.Clear();
            _tracking[id] = outcome.Succeeded ? "SUCCESS" : "ERR FAILED";
            return await Line(reply, "OK TRACKING " + id).ConfigureAwait(false);
        }
        // upsd's words: a command the configuration forbids is ACCESS-DENIED; busy, rate-limited or failed is INSTCMD-FAILED.
        return outcome.Verdict switch
        {
            CommandVerdict.Done or CommandVerdict.AlreadySet => await Line(reply, "OK").ConfigureAwait(false),
            CommandVerdict.NotSupported => await Err(reply, NutErrors.CmdNotSupported).ConfigureAwait(false),
            CommandVerdict.Forbidden => await Err(reply, NutErrors.AccessDenied).ConfigureAwait(false),
            _ => await Err(reply, NutErrors.InstcmdFailed).ConfigureAwait(false),
        };
    }
}
