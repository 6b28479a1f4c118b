using Gateway.Configuration;
using Gateway.Hosting;
using Gateway.Indicators;
using Gateway.Readings;
using Gateway.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Tests.Storage;

/// <summary>The history store and the indicators as the real host composes them.</summary>
public sealed class HistoryHostTests : IDisposable
{
    private readonly string _dir = HistoryTestData.TempDir();

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        HistoryTestData.DeleteDir(_dir);
    }

    private GatewayConfig Config(string extra = "") => ConfigLoader.LoadText($"""
        gateway:
          data_dir: {_dir}
        web:
          enabled: false
        history:
          flush_interval: 1s
        {extra}
        """, "test.yaml", new Dictionary<string, string>(), []).Config!;

    [Fact]
    public async Task The_host_records_service_started_and_stopping_in_the_data_dir_and_runs_without_gpio()
    {
        using var host = GatewayHost.Build(Config("gpio:\n  led_pin: 17\n  buzzer_pin: 27"), new RunOptions());
        await host.StartAsync();
        var store = Assert.IsType<SqliteHistoryStore>(host.Services.GetRequiredService<IHistoryStore>());
        Assert.Equal(Path.Combine(_dir, "history.db"), store.DatabasePath);
        await WaitFor.ConditionAsync(() => store.EventsWritten >= 1, "service_started written");
        var indicators = host.Services.GetRequiredService<StatusIndicators>();
        Assert.Matches("^(off: |running)", indicators.Status);
        Assert.Contains(host.Services.GetServices<IHealthContributor>(), c => c.Name == "history" && c.Check().Healthy);

        await host.StopAsync();
        SqliteConnection.ClearAllPools();
        using var reopened = new SqliteHistoryStore(_dir, TimeSpan.FromDays(1), TimeProvider.System, NullLogger.Instance);
        Assert.True(reopened.Open());
        var kinds = (await reopened.EventsAsync(10, default)).Select(e => e.Kind).ToArray();
        Assert.Equal([EventKinds.ServiceStopping, EventKinds.ServiceStarted], kinds);
    }

    [Fact]
    public async Task With_history_disabled_nothing_is_written_and_events_come_from_memory()
    {
        using var host = GatewayHost.Build(Config() with { History = Config().History with { Enabled = false } }, new RunOptions());
        await host.StartAsync();
        var store = host.Services.GetRequiredService<IHistoryStore>();
        Assert.IsNotType<SqliteHistoryStore>(store);
        Assert.Equal(EventKinds.ServiceStarted, Assert.Single(await store.EventsAsync(10, default)).Kind);
        Assert.Empty(await store.QueryAsync("ups", "input.voltage", DateTimeOffset.UnixEpoch, DateTimeOffset.UtcNow, 10, default));
        await host.StopAsync();
        Assert.False(File.Exists(Path.Combine(_dir, "history.db")));
    }
}
