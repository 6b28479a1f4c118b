using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Gateway.Drivers.Threading;
using Gateway.HomeAssistant;

namespace Gateway.Tests.HomeAssistant;

/// <summary>The plain TCP probe the MQTT session uses while the broker is unreachable, against real loopback sockets.</summary>
public sealed class BrokerProbeTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public void A_listening_port_answers_and_a_closed_one_is_refused_in_the_words_of_a_whole_connect()
    {
        using var wake = new WakeSignal();
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var open = ((IPEndPoint)listener.LocalEndpoint).Port;
        Assert.Null(new BrokerProbe("127.0.0.1", open, TimeProvider.System).TryConnect(Timeout, wake));
        // A host name is resolved, and the connect to its address answers too.
        Assert.Null(new BrokerProbe("localhost", open, TimeProvider.System).TryConnect(Timeout, wake));

        var closed = FreePort.Next();
        var probe = new BrokerProbe("127.0.0.1", closed, TimeProvider.System);
        var refused = probe.TryConnect(Timeout, wake);
        Assert.Equal(MqttConnectFailure.Describe(new SocketException((int)SocketError.ConnectionRefused)), refused);
        Assert.StartsWith("ConnectionRefused: ", refused);
        // Refused again (every second while the broker is away): the same words, not built again.
        Assert.Same(refused, probe.TryConnect(Timeout, wake));
        // And the port opening is seen by the same probe.
        using var late = new TcpListener(IPAddress.Loopback, closed);
        late.Start();
        Assert.Null(probe.TryConnect(Timeout, wake));
    }

    [Fact]
    public void A_name_that_does_not_resolve_says_so()
    {
        using var wake = new WakeSignal();
        var why = new BrokerProbe("no-such-broker.invalid", 1883, TimeProvider.System).TryConnect(Timeout, wake);
        Assert.NotNull(why);
        Assert.Contains("HostNotFound", why);
    }

    /// <summary>
    /// A listener whose accept queue is full drops new SYNs, so a connect neither succeeds nor fails: the probe gives
    /// up after its timeout, and a set of its signal ends that wait at once.
    /// </summary>
    [Fact]
    public void A_port_that_never_answers_times_out_and_a_set_signal_ends_the_wait_early()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(0);
        var port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        var fillers = new List<Socket>();
        try
        {
            // Fill the accept queue (never accepted) until a connect hangs.
            using var wake = new WakeSignal();
            string? why = null;
            for (var i = 0; i < 8 && why is null; i++)
            {
                var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                fillers.Add(s);
                s.Blocking = false;
                try { s.Connect(new IPEndPoint(IPAddress.Loopback, port)); }
                catch (SocketException) { }
                Thread.Sleep(50);
                why = new BrokerProbe("127.0.0.1", port, TimeProvider.System).TryConnect(TimeSpan.FromMilliseconds(400), wake);
            }
            Assert.Equal(MqttConnectFailure.NoAnswer(TimeSpan.FromMilliseconds(400)), why);

            var started = Stopwatch.GetTimestamp();
            var probe = Task.Factory.StartNew(() => new BrokerProbe("127.0.0.1", port, TimeProvider.System).TryConnect(TimeSpan.FromSeconds(30), wake),
                TaskCreationOptions.LongRunning);
            Thread.Sleep(200);
            Assert.False(probe.IsCompleted);
            wake.Set();
            Assert.True(probe.Wait(TimeSpan.FromSeconds(5)));
            Assert.Equal("stopped", probe.Result);
            Assert.True(Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(5));
        }
        finally
        {
            foreach (var s in fillers) s.Dispose();
        }
    }
}
