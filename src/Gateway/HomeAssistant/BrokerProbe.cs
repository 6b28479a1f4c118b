using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Gateway.Drivers.Threading;

namespace Gateway.HomeAssistant;

/// <summary>
/// Whether anything accepts a TCP connection at the broker's address: a plain non-blocking connect, waited for on the
/// calling thread in poll(2) beside a <see cref="WakeSignal"/> that can end it. While the broker is unreachable the
/// session tries this once a second instead of a whole MQTT connect, which built a client, armed two timers and went
/// through the thread pool half a dozen times (about 25 wake-ups of the gateway's threads a second, measured in
/// bench/results.md). connect(2) is called directly: .NET's Socket.Connect throws for the EINPROGRESS every
/// non-blocking connect returns, and an exception per attempt was most of the probe's cost.
/// </summary>
public sealed partial class BrokerProbe
{
    private const int EINPROGRESS = 115;

    private readonly string _host;
    private readonly int _port;
    private readonly TimeProvider _time;
    // An address written as one is parsed once; a name is resolved again for every probe (it may move).
    private readonly SocketAddress[]? _literal;
    private SocketError _lastError;
    private string? _lastReason;

    public BrokerProbe(string host, int port, TimeProvider time)
    {
        _host = host;
        _port = port;
        _time = time;
        if (IPAddress.TryParse(host, out var address)) _literal = [new IPEndPoint(address, port).Serialize()];
    }

    /// <summary>
    /// Null when something accepted the connection within <paramref name="timeout"/> (it is closed again at once);
    /// otherwise why not, in the words <see cref="MqttConnectFailure.Describe(Exception, string?, TimeSpan, out bool, out bool)"/>
    /// uses for the same failure of a whole connect. A set of <paramref name="stop"/> ends the wait early ("stopped").
    /// </summary>
    public string? TryConnect(TimeSpan timeout, WakeSignal stop)
    {
        var started = _time.GetTimestamp();
        SocketAddress[] addresses;
        if (_literal is not null) addresses = _literal;
        else
        {
            try
            {
                addresses = Array.ConvertAll(Dns.GetHostAddresses(_host), a => new IPEndPoint(a, _port).Serialize());
            }
            catch (SocketException e)
            {
                return Reason(e.SocketErrorCode);
            }
            if (addresses.Length == 0) return Reason(SocketError.HostNotFound);
        }
        string? why = null;
        foreach (var address in addresses)
        {
            var left = timeout - _time.GetElapsedTime(started);
            if (left <= TimeSpan.Zero) break;
            Socket socket;
            try
            {
                socket = new Socket(address.Family, SocketType.Stream, ProtocolType.Tcp) { Blocking = false };
            }
            catch (SocketException e)
            {
                // E.g. an IPv6 address on a kernel without IPv6: the next address may still answer.
                why = Reason(e.SocketErrorCode);
                continue;
            }
            using var owned = socket;
            var error = Connect(socket, address);
            if (error == SocketError.InProgress)
            {
                switch (stop.WaitOr(socket.SafeHandle, writable: true, left))
                {
                    case WakeReason.Set:
                        return "stopped";
                    case WakeReason.TimedOut:
                        why = MqttConnectFailure.NoAnswer(timeout);
                        continue;
                }
                // Writable: connected, or failed with the reason in SO_ERROR (which .NET hands over as a SocketError).
                error = (SocketError)(int)socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.Error)!;
            }
            if (error == SocketError.Success) return null;
            why = Reason(error);
        }
        return why ?? MqttConnectFailure.NoAnswer(timeout);
    }

    /// <summary>connect(2) on the non-blocking socket: Success, InProgress, or why it failed at once.</summary>
    private static unsafe SocketError Connect(Socket socket, SocketAddress address)
    {
        int result;
        fixed (byte* sockaddr = address.Buffer.Span)
            result = NativeConnect(socket.Handle, sockaddr, address.Size);
        if (result == 0) return SocketError.Success;
        return Marshal.GetLastPInvokeError() switch
        {
            EINPROGRESS => SocketError.InProgress,
            111 => SocketError.ConnectionRefused,
            101 => SocketError.NetworkUnreachable,
            113 => SocketError.HostUnreachable,
            100 => SocketError.NetworkDown,
            110 => SocketError.TimedOut,
            99 => SocketError.AddressNotAvailable,
            1 or 13 => SocketError.AccessDenied,
            _ => SocketError.SocketError,
        };
    }

    // The same failure again (every second while the broker is away) reuses its words: no message built per probe.
    private string Reason(SocketError error)
    {
        if (error != _lastError || _lastReason is null)
        {
            _lastError = error;
            _lastReason = MqttConnectFailure.Describe(new SocketException((int)error));
        }
        return _lastReason;
    }

    [LibraryImport("libc.so.6", EntryPoint = "connect", SetLastError = true)]
    private static unsafe partial int NativeConnect(nint fd, byte* address, int length);
}
