using System.Net;
using System.Net.Sockets;

namespace Gateway.Tests.Support;

/// <summary>A TCP port on the loopback interface that was free a moment ago (bind to port 0, read it, release it).</summary>
public static class FreePort
{
    public static int Next()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
