using Gateway.Configuration;
using Gateway.LiveApply;
using Gateway.Notifications;
using Gateway.Tests.Support;
using Microsoft.Extensions.Hosting;

namespace Gateway.Tests.LiveApply;

/// <summary>The part rebuilt from a new configuration (MQTT, notifications, GPIO): the old instance stops before the new one starts.</summary>
public sealed class RebuiltServiceTests
{
    private sealed class Recorder(string name, List<string> log) : IHostedService, IDisposable
    {
        public Task StartAsync(CancellationToken ct) { lock (log) log.Add("start " + name); return Task.CompletedTask; }
        public Task StopAsync(CancellationToken ct) { lock (log) log.Add("stop " + name); return Task.CompletedTask; }
        public void Dispose() { lock (log) log.Add("dispose " + name); }
    }

    private static GatewayConfig Notifications(string channels) => TestConfig.Load("notifications:\n" + channels);

    [Fact]
    public async Task A_change_that_concerns_it_stops_the_old_instance_then_starts_one_built_from_the_new_configuration()
    {
        var log = new List<string>();
        var boot = Notifications("  ntfy: { server: https://ntfy.example, topic: a }\n");
        var live = new LiveConfig(boot);
        using var part = new RebuiltService("notifications", c => c.Has("notifications"),
            c => NotificationChannels.For(c.Notifications, new HttpClient()) is { Count: > 0 } senders ? new Recorder(string.Join(",", senders.Select(s => s.Name)), log) : null,
            live, new ListLogger<RebuiltService>());
        await part.StartAsync(CancellationToken.None);

        var withDiscord = Notifications("  ntfy: { server: https://ntfy.example, topic: a }\n  discord: { webhook_url: https://discord.com/api/webhooks/1/x }\n");
        await part.ApplyAsync(ConfigDiff.Compare(boot, withDiscord), withDiscord, CancellationToken.None);
        // A change elsewhere does not touch it.
        var elsewhere = withDiscord with { Policy = withDiscord.Policy with { LowBatteryPercent = 30 } };
        await part.ApplyAsync(ConfigDiff.Compare(withDiscord, elsewhere), elsewhere, CancellationToken.None);
        var none = Notifications("  retries: 3\n");
        await part.ApplyAsync(ConfigDiff.Compare(elsewhere, none), none, CancellationToken.None);
        await part.StopAsync(CancellationToken.None);

        Assert.Equal(["start ntfy", "stop ntfy", "dispose ntfy", "start discord,ntfy", "stop discord,ntfy", "dispose discord,ntfy"], log);
        Assert.Null(part.Current);
        Assert.Equal(2, part.Rebuilds);
    }
}
