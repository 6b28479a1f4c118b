using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Gateway.HomeAssistant;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.HomeAssistant;

[Trait("Category", "Integration")]
public sealed class MqttSessionTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Trait(Lane.Trait, Lane.FullOnly)]
    [Fact]
    public async Task The_connect_carries_the_configured_keep_alive_the_session_pings_by_itself_and_the_broker_publishes_the_last_will_when_it_goes_silent()
    {
        await using var broker = await MosquittoBroker.StartAsync(debugLog: true);
        await using var proxy = SilenceableTcpProxy.Start(broker.Port);
        var config = GatewayUnderTest.LoadConfig(broker.Port, Path.GetTempPath());
        var mqtt = config.Mqtt with { KeepAlive = TimeSpan.FromSeconds(2) };
        using var factory = LoggerFactory.Create(_ => { });
        var session = new MqttSession(mqtt, "127.0.0.1", proxy.Port, new MqttOutbox(), TimeProvider.System, factory.CreateLogger("mqtt"));
        await using var observer = await MqttObserver.ConnectAsync(broker.Port, session.StatusTopic);
        string? Status() => observer.Latest.TryGetValue(session.StatusTopic, out var s) ? s.Payload : null;
        using var cts = new CancellationTokenSource();
        var run = Task.Run(() => session.RunAsync(cts.Token));
        try
        {
            await Wait.UntilAsync(() => session.IsConnected && Status() == MqttSession.Online, "the session is connected and said online");

            // (a) The CONNECT still tells the broker the configured keep-alive (mosquitto logs it as "k2").
            await Wait.UntilAsync(() => broker.Log.Any(l => l.Contains($"as {mqtt.ClientId} (", StringComparison.Ordinal)), "mosquitto logged the connect");
            var connected = Assert.Single(broker.Log, l => l.Contains($"as {mqtt.ClientId} (", StringComparison.Ordinal));
            Assert.Contains(", k2,", connected);

            // (c) Healthy and idle over four keep-alive periods: the session's own PINGREQs (one per second, half the
            // keep-alive) keep it connected, and they are the only ones: MQTTnet's 250 ms loop sends none.
            await Wait.UntilAsync(() => session.Pings >= 8, "eight PINGREQs from the session", TimeSpan.FromSeconds(40));
            Assert.Equal(1, session.Connects);
            Assert.DoesNotContain(observer.All, s => s.Topic == session.StatusTopic && s.Payload == MqttSession.Offline);
            Assert.DoesNotContain(broker.Log, l => l.Contains("exceeded timeout", StringComparison.Ordinal));
            // mosquitto's log reaches the test a moment after the ping: wait for it rather than count at one instant.
            int Received() => broker.Log.Count(l => l.Contains($"Received PINGREQ from {mqtt.ClientId}", StringComparison.Ordinal));
            var pings = session.Pings;
            await Wait.UntilAsync(() => Received() >= pings - 1, $"mosquitto logged {pings - 1} or more PINGREQs");
            Assert.InRange(Received(), pings - 1, session.Pings + 1);

            // (b) The gateway goes silent (a frozen process or a lost network look the same to the broker): the broker
            // drops it after 1.5 times the keep-alive and publishes the last will.
            var silencedAt = Stopwatch.GetTimestamp();
            proxy.Silence();
            await Wait.UntilAsync(() => Status() == MqttSession.Offline, "the broker published the last will", TimeSpan.FromSeconds(30));
            output.WriteLine($"last will published {Stopwatch.GetElapsedTime(silencedAt).TotalSeconds:0.0} s after the connection went silent (keep-alive 2 s)");
        }
        finally
        {
            await cts.CancelAsync();
            await run.WaitAsync(TimeSpan.FromSeconds(20));
        }
    }

    [Trait(Lane.Trait, Lane.FullOnly)]
    [Fact]
    public async Task A_broker_that_imposes_its_own_keep_alive_gets_one_reconnect_asking_for_it_and_the_session_pings_within_it()
    {
        await using var broker = await MosquittoBroker.StartAsync(debugLog: true, extraConfig: "max_keepalive 10");
        var config = GatewayUnderTest.LoadConfig(broker.Port, Path.GetTempPath());
        var mqtt = config.Mqtt with { KeepAlive = TimeSpan.FromSeconds(30) };
        using var loggers = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(loggers));
        var session = new MqttSession(mqtt, "127.0.0.1", broker.Port, new MqttOutbox(), TimeProvider.System, factory.CreateLogger("mqtt"));
        using var cts = new CancellationTokenSource();
        var run = Task.Run(() => session.RunAsync(cts.Token));
        try
        {
            await Wait.UntilAsync(() => session.IsConnected, "the session is connected");
            Assert.Equal(2, session.ConnectAttempts);
            Assert.Equal(1, session.Connects);
            Assert.Contains(loggers.Lines, l => l.Message.Contains("sets the keep-alive to 10s; reconnecting with it", StringComparison.Ordinal));
            // The second CONNECT asks for the broker's 10 s, and the session pings after 5 s idle: the broker keeps it.
            await Wait.UntilAsync(() => broker.Log.Any(l => l.Contains($"as {mqtt.ClientId} (", StringComparison.Ordinal) && l.Contains(", k10,", StringComparison.Ordinal)),
                "mosquitto logged the second connect with k10");
            await Wait.UntilAsync(() => session.Pings >= 4, "four PINGREQs from the session", TimeSpan.FromSeconds(60));
            var received = broker.Log.Count(l => l.Contains($"Received PINGREQ from {mqtt.ClientId}", StringComparison.Ordinal));
            Assert.InRange(received, session.Pings - 1, session.Pings + 1);
            Assert.Equal(1, session.Connects);
            Assert.True(session.IsConnected);
        }
        finally
        {
            await cts.CancelAsync();
            await run.WaitAsync(TimeSpan.FromSeconds(20));
        }
    }

    [Trait(Lane.Trait, Lane.FullOnly)]
    [Fact]
    public async Task Wrong_credentials_give_one_clear_log_line_and_retries_with_growing_backoff_in_virtual_time()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var time = new SignalingTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));
        var config = GatewayUnderTest.LoadConfig(broker.Port, Path.GetTempPath(), password: "wrong");
        using var loggers = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(loggers));
        var session = new MqttSession(config.Mqtt, "127.0.0.1", broker.Port, new MqttOutbox(), time, factory.CreateLogger("mqtt"));
        using var cts = new CancellationTokenSource();
        var run = Task.Run(() => session.RunAsync(cts.Token));

        var attemptTimes = new List<DateTimeOffset>();
        for (var attempt = 1; attempt <= 4; attempt++)
        {
            // The attempt failed and the session waits out its pause (the only timer then; the connect timeout is gone).
            await Wait.UntilAsync(() => session.ConnectAttempts == attempt && session.Check().State == "reconnecting"
                && session.NextRetryDelay is { } pause && time.PendingDueTimes is [var only] && only == pause, $"attempt {attempt} failed and its pause began");
            attemptTimes.Add(time.GetUtcNow());
            if (attempt == 4) break;
            // Virtual time moves by the pause only: a slow real connect never sees its connect timeout elapse.
            time.Advance(session.NextRetryDelay!.Value);
            await Wait.UntilAsync(() => session.ConnectAttempts > attempt, $"attempt {attempt + 1} after the pause");
        }
        var gaps = attemptTimes.Zip(attemptTimes.Skip(1), (a, b) => (b - a).TotalSeconds).ToArray();
        Assert.InRange(gaps[0], 0.5, 1.0);
        Assert.InRange(gaps[1], 1.0, 1.5);
        Assert.InRange(gaps[2], 2.0, 2.5);

        var errors = loggers.Lines.Where(l => l.Level >= LogLevel.Error).ToList();
        var line = Assert.Single(errors);
        Assert.Contains("rejected the credentials of user 'gateway'", line.Message);
        Assert.Contains("check mqtt.username and mqtt.password", line.Message);
        Assert.False(run.IsCompleted, "the session keeps running");
        Assert.False(session.Check().Healthy);

        cts.Cancel();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Trait(Lane.Trait, Lane.FullOnly)]
    [Fact]
    public async Task While_the_broker_is_away_1000_state_changes_stay_bounded_and_the_last_value_of_every_topic_arrives()
    {
        await using var broker = await MosquittoBroker.StartAsync(start: false);
        var config = GatewayUnderTest.LoadConfig(broker.Port, Path.GetTempPath());
        using var factory = LoggerFactory.Create(_ => { });
        var outbox = new MqttOutbox();
        // Virtual time: the session stays away until the test lets its backoff elapse, after the observer is listening.
        var time = new SignalingTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));
        var session = new MqttSession(config.Mqtt, "127.0.0.1", broker.Port, outbox, time, factory.CreateLogger("mqtt"));
        using var cts = new CancellationTokenSource();
        var run = Task.Run(() => session.RunAsync(cts.Token));
        await Wait.UntilAsync(() => session.ConnectAttempts >= 1 && session.Check().State == "reconnecting", "first failed attempt");

        const int topics = 25;
        for (var i = 0; i < 1000; i++)
            session.Enqueue($"gateway/testgw/dev{i % topics}/state", Encoding.UTF8.GetBytes($"{{\"seq\":{i}}}"), retain: true);
        for (var i = 0; i < 10; i++)
            session.Enqueue("gateway/testgw/events", Encoding.UTF8.GetBytes($"{{\"event\":{i}}}"), retain: false);
        Assert.Equal(topics, outbox.RetainedCount);
        Assert.Equal(10, outbox.EventCount);
        Assert.Equal(0, outbox.Dropped);
        // Bounded: one payload per topic (each at most 12 bytes here) plus the events, whatever the number of changes.
        Assert.InRange(outbox.PayloadBytes, 1, topics * 12 + 10 * 12);

        await broker.StartAsync();
        await using var obs = await MqttObserver.ConnectAsync(broker.Port, "gateway/testgw/#");
        var advancing = Task.Run(async () =>
        {
            while (!session.IsConnected && !cts.IsCancellationRequested)
            {
                // Only a retry pause is let elapse, never the connect timeout of an attempt in flight (a slow real
                // connect on a loaded machine would otherwise time out in virtual time and back off again).
                if (session.NextRetryDelay is { } pause && time.PendingDueTimes is [var only] && only == pause) time.Advance(pause);
                await Task.Delay(5);
            }
        });
        await Wait.UntilAsync(() => Enumerable.Range(0, topics).All(t =>
            obs.Latest.TryGetValue($"gateway/testgw/dev{t}/state", out var s) && JsonDocument.Parse(s.Payload).RootElement.GetProperty("seq").GetInt32() == 1000 - topics + t),
            "last value of every topic");
        await Wait.UntilAsync(() => outbox.Count == 0 && obs.All.Count(s => s.Topic == "gateway/testgw/events") == 10, "events delivered in order");
        Assert.Equal(Enumerable.Range(0, 10), obs.All.Where(s => s.Topic == "gateway/testgw/events").Select(s => JsonDocument.Parse(s.Payload).RootElement.GetProperty("event").GetInt32()));
        // The retained topics were sent once each with their last value only.
        Assert.Equal(topics, obs.All.Count(s => s.Topic.StartsWith("gateway/testgw/dev", StringComparison.Ordinal)));

        await advancing;
        cts.Cancel();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Trait(Lane.Trait, Lane.FullOnly)]
    [Fact]
    public async Task While_nothing_listens_the_session_probes_the_port_once_a_second_without_an_mqtt_client_and_connects_once_it_answers()
    {
        await using var broker = await MosquittoBroker.StartAsync(start: false);
        var config = GatewayUnderTest.LoadConfig(broker.Port, Path.GetTempPath());
        using var loggers = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(loggers));
        var session = new MqttSession(config.Mqtt, "127.0.0.1", broker.Port, new MqttOutbox(), TimeProvider.System, factory.CreateLogger("mqtt"));
        using var cts = new CancellationTokenSource();
        var run = Task.Run(() => session.RunAsync(cts.Token));
        try
        {
            // One whole connect, then probes only: 0.5 s, then 1 s apart.
            await Wait.UntilAsync(() => session.Probes >= 3, "three probes of the closed port", TimeSpan.FromSeconds(15));
            Assert.Equal(1, session.ConnectAttempts);
            Assert.False(session.IsConnected);
            Assert.Equal("reconnecting", session.Check().State);
            Assert.StartsWith("ConnectionRefused: ", session.Check().Detail);
            // The probe describes the refusal in the whole connect's words: one error line, repeats at debug level.
            var error = Assert.Single(loggers.Lines, l => l.Level >= LogLevel.Error);
            Assert.Contains("ConnectionRefused", error.Message);
            Assert.Contains(loggers.Lines, l => l.Level == LogLevel.Debug && l.Message.Contains("failed again (ConnectionRefused", StringComparison.Ordinal));
            // Probes stay 1 s apart however long the broker is away: a restarted broker is seen within that.
            Assert.Equal(MqttSession.UnreachableMax, session.NextRetryDelay);
            var probes = session.Probes;

            await broker.StartAsync();
            var up = Stopwatch.GetTimestamp();
            await Wait.UntilAsync(() => session.IsConnected, "connected once the broker listens", TimeSpan.FromSeconds(10));
            var took = Stopwatch.GetElapsedTime(up);
            output.WriteLine($"connected {took.TotalMilliseconds:0} ms after the broker listened; {session.Probes} probes, {session.ConnectAttempts} whole connects");
            // The 2 s promise is printed above, not asserted (a wall-clock bound fails on a loaded machine): what makes
            // it hold is asserted instead, the 1 s pause above and the single whole connect right after the probe.
            // The probe that found the port open handed over to one whole connect, which succeeded.
            Assert.Equal(2, session.ConnectAttempts);
            Assert.InRange(session.Probes, probes + 1, probes + 3);
            Assert.Equal(1, session.Connects);
        }
        finally
        {
            await cts.CancelAsync();
            await run.WaitAsync(TimeSpan.FromSeconds(10));
        }
    }

    [Fact]
    public async Task A_stop_during_the_probe_pause_ends_the_session_at_once()
    {
        var port = FreePort.Next();
        var config = GatewayUnderTest.LoadConfig(port, Path.GetTempPath());
        var time = new SignalingTimeProvider();
        using var factory = LoggerFactory.Create(_ => { });
        var session = new MqttSession(config.Mqtt, "127.0.0.1", port, new MqttOutbox(), time, factory.CreateLogger("mqtt"));
        using var cts = new CancellationTokenSource();
        var run = Task.Run(() => session.RunAsync(cts.Token));
        // The first whole connect is refused; the probe thread then waits on its pause, a timer of the session's clock.
        await Wait.UntilAsync(() => session.NextRetryDelay is { } pause && time.PendingDueTimes is [var only] && only == pause, "the probe's pause began");
        time.Advance(session.NextRetryDelay!.Value);
        await Wait.UntilAsync(() => session.Probes == 1 && time.PendingDueTimes.Count == 1, "one probe refused and the next pause began");
        Assert.Equal(1, session.ConnectAttempts);
        var stopped = Stopwatch.GetTimestamp();
        await cts.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(Stopwatch.GetElapsedTime(stopped) < TimeSpan.FromSeconds(1));
        await Wait.UntilAsync(() => time.PendingDueTimes.Count == 0, "the pause's timer disposed");
    }

    [Trait(Lane.Trait, Lane.FullOnly)]
    [Fact]
    public async Task Tls_with_a_private_ca_file_connects_and_an_untrusted_certificate_is_refused()
    {
        await using var broker = await MosquittoBroker.StartAsync(tls: true);
        var config = GatewayUnderTest.LoadConfig(broker.Port, Path.GetTempPath());
        using var loggers = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(loggers));

        var trusted = new MqttSession(config.Mqtt with { Tls = true, CaFile = broker.CaFile }, "127.0.0.1", broker.Port, new MqttOutbox(), TimeProvider.System, factory.CreateLogger("tls"));
        using var cts = new CancellationTokenSource();
        var run = Task.Run(() => trusted.RunAsync(cts.Token));
        await Wait.UntilAsync(() => trusted.IsConnected, "TLS session connected");

        // Without the CA the system store does not trust the broker: the session keeps retrying, it does not connect.
        var untrusted = new MqttSession(config.Mqtt with { Tls = true, CaFile = null, ClientId = "other" }, "127.0.0.1", broker.Port, new MqttOutbox(), TimeProvider.System, factory.CreateLogger("tls"));
        var run2 = Task.Run(() => untrusted.RunAsync(cts.Token));
        await Wait.UntilAsync(() => untrusted.ConnectAttempts >= 3, "untrusted retried");
        Assert.False(untrusted.IsConnected);
        // The broker answered (its certificate is the problem): the pauses grow as for wrong credentials, past the 1 s
        // of an unreachable broker, and every attempt is a whole connect (no probes).
        await Wait.UntilAsync(() => untrusted.NextRetryDelay > MqttSession.UnreachableMax, "the pause grew past 1 s");
        Assert.Equal(0, untrusted.Probes);
        Assert.True(trusted.IsConnected);

        cts.Cancel();
        await Task.WhenAll(run, run2).WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task The_built_in_broker_serves_home_assistant_discovery()
    {
        var port = Support.FreePort.Next();
        var config = GatewayUnderTest.LoadConfig(port, Path.GetTempPath());
        using var factory = LoggerFactory.Create(_ => { });
        await using var broker = new EmbeddedMqttBroker(config with { Mqtt = config.Mqtt with { EmbeddedPort = port } },
            new EmbeddedBrokerCredentials(MosquittoBroker.User, MosquittoBroker.Password, null), factory.CreateLogger<EmbeddedMqttBroker>());
        await broker.StartAsync(CancellationToken.None);
        Assert.True(broker.IsRunning);

        // Subscribe first: MQTTnet's server stores retained messages asynchronously, so a subscriber racing the publisher could miss one.
        await using var obs = await MqttObserver.ConnectAsync(port, "homeassistant/#", GatewayUnderTest.Base + "/#");
        // The gateway's session logs in with the broker's own login (as the real wiring does): only it may use the gateway's client id.
        await using var gw = GatewayUnderTest.Create(port, user: broker.OwnLogin.Username, password: broker.OwnLogin.Password);
        gw.Hub.Publish(gw.UpsReading());
        await gw.StartAsync();
        try
        {
            await Wait.UntilAsync(() => obs.Latest.ContainsKey("homeassistant/sensor/testgw_ups1/battery_charge/config")
                && obs.Latest.ContainsKey(GatewayUnderTest.Base + "/ups1/state") && obs.Latest.ContainsKey(GatewayUnderTest.Base + "/status"), "discovery through the built-in broker");
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException(e.Message + "\nseen: " + string.Join(", ", obs.Latest.Keys.Take(10)) + "\nlogs: " + string.Join("\n", gw.Logs.Lines.Select(l => l.Message)));
        }
        Assert.Equal("online", obs.Latest[GatewayUnderTest.Base + "/status"].Payload);
    }
}
