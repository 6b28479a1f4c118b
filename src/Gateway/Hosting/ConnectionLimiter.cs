using System.Net;
using Microsoft.Extensions.Logging;

namespace Gateway.Hosting;

/// <summary>
/// Who may take a connection slot on one listener (the NUT server, the web server): at most <c>max_connections</c> in
/// all and <c>max_connections_per_address</c> from one address, and the last eighth of the slots only for addresses
/// that hold none yet, so one host (or a few) can never lock the others out. A refused address is logged once, until
/// all its connections are gone.
/// </summary>
public sealed class ConnectionLimiter
{
    private readonly string _listener;
    private readonly string _section;
    private readonly int _max;
    private readonly int _perAddress;
    private readonly int _reserved;
    private readonly ILogger _log;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _byAddress = new(StringComparer.Ordinal);
    private readonly HashSet<string> _reported = new(StringComparer.Ordinal);
    private int _total;

    /// <param name="listener">The listener as the log names it, e.g. "NUT server".</param>
    /// <param name="section">The configuration section holding its keys, e.g. "nut_server".</param>
    public ConnectionLimiter(string listener, string section, int maxConnections, int maxPerAddress, ILogger log)
    {
        _listener = listener;
        _section = section;
        _max = maxConnections;
        _perAddress = Math.Min(maxPerAddress, maxConnections);
        _reserved = maxConnections / 8;
        _log = log;
    }

    public int Total
    {
        get { lock (_gate) return _total; }
    }

    /// <summary>The address a connection is counted under: IPv4 clients of a dual-stack socket count as IPv4.</summary>
    public static string AddressOf(EndPoint? remote) => Normalized((remote as IPEndPoint)?.Address);

    /// <summary>The same for a bare address (a web request's remote address).</summary>
    public static string Normalized(IPAddress? a) => a is null ? "unknown" : (a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : a).ToString();

    public bool TryAcquire(string address)
    {
        lock (_gate)
        {
            var held = _byAddress.GetValueOrDefault(address);
            string? reason = null;
            if (_total >= _max) reason = $"all {_max} connections ({_section}.max_connections) are in use";
            else if (held >= _perAddress) reason = $"it already holds {held} connections ({_section}.max_connections_per_address)";
            else if (held > 0 && _total >= _max - _reserved) reason = $"the last {_reserved} free connections are kept for other addresses";
            if (reason is not null)
            {
                if (_reported.Add(address))
                    _log.LogWarning("{Listener}: refusing connections from {Client}: {Reason}. Logged once until its connections close", _listener, address, reason);
                return false;
            }
            _byAddress[address] = held + 1;
            _total++;
            return true;
        }
    }

    public void Release(string address)
    {
        lock (_gate)
        {
            _total--;
            var held = _byAddress.GetValueOrDefault(address) - 1;
            if (held > 0) _byAddress[address] = held;
            else
            {
                _byAddress.Remove(address);
                _reported.Remove(address);
            }
        }
    }
}
