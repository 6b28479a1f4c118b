using Gateway.Tests.Support;
using Gateway.Configuration;
using Gateway.Hosting;
using Gateway.Indicators;
using Gateway.LiveApply;
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

    private GatewayConfig Config(string extra = "") => TestConfig.Load($"""
        gateway:
          data_dir: {_dir}
        web:
          enabled: false
        nut_server:
          enabled: false
        history:
          flush_interval: 1s
        {extra}
        """);

    [Fact]
    public async Task The_host_records_service_started_and_stopping_in_the_data_dir_and_runs_without_gpio()
    {
        using var host = GatewayHost.Build(Config("gpio:\n  led_pin: 17\n  buzzer_pin: 27"), new RunOptions());
        await host.StartAsync();
        var store = Assert.IsType<SqliteHistoryStore>(host.Services.GetRequiredService<IHistoryStore>());
        Assert.Equal(Path.Combine(_dir, "history.db"), store.DatabasePath);
        await Wait.UntilAsync(() => store.EventsWritten >= 1, "service_started written");
        var indicators = Assert.IsType<StatusIndicators>(host.Services.GetRequiredKeyedService<RebuiltService>(IndicatorsServiceCollectionExtensions.LiveKey).Current);
        Assert.Matches("^(off: |running)", indicators.Status);
        Assert.Contains(host.Services.GetServices<IHealthContributor>(), c => c.Name == "history" && c.Check().Healthy);

        await host.StopAsync();
        host.Dispose();   // the host's store holds the database exclusively until it is disposed
        SqliteConnection.ClearAllPools();
        using var reopened = new SqliteHistoryStore(_dir, TimeSpan.FromDays(1), TimeProvider.System, NullLogger.Instance);
        Assert.True(reopened.Open());
        var kinds = (await reopened.EventsAsync(10, default)).Select(e => e.Kind).ToArray();
        Assert.Equal([EventKinds.ServiceStopping, EventKinds.ServiceStarted], kinds);
    }

    [Fact]
    public async Task With_history_disabled_nothing_is_written_and_no_store_is_offered()
    {
        using var host = GatewayHost.Build(Config() with { History = Config().History with { Enabled = false } }, new RunOptions());
        await host.StartAsync();
        // The API answers 503 "history is off" and serves the event bus's recent events instead (see Web tests).
        Assert.Null(host.Services.GetService<IHistoryStore>());
        Assert.Equal(EventKinds.ServiceStarted, Assert.Single(host.Services.GetRequiredService<EventBus>().Recent()).Kind);
        await host.StopAsync();
        Assert.False(File.Exists(Path.Combine(_dir, "history.db")));
    }
}
