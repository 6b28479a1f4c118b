using Gateway.Battery;
using Gateway.Configuration;
using Gateway.Shutdown.Restore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Web;

/// <summary><c>GET /api/outages</c>: the outage in progress (if any) and the last finished ones, newest first (the dashboard's timelines); <c>GET /api/battery</c>: age and health.</summary>
public static class OutageEndpoints
{
    public static IEndpointRouteBuilder MapOutages(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/outages", async (HttpContext ctx) =>
        {
            if (ctx.RequestServices.GetRequiredService<ApiAccess>().CheckRead(ctx) is { } denied) return denied;
            if (ctx.RequestServices.GetService<OutageRecorder>() is not { } recorder)
                return SerializedJsonResult.Of(new OutagesReport(null, []), OutageReplyJsonContext.Default.OutagesReport);
            List<OutageRecord> recent;
            try { recent = await recorder.Store.LoadHistoryAsync(ctx.RequestAborted).ConfigureAwait(false); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return ApiResults.Error(StatusCodes.Status503ServiceUnavailable, "the outage history cannot be read", $"{recorder.Store.HistoryPath}: {e.Message}");
            }
            recent.Reverse();
            return SerializedJsonResult.Of(new OutagesReport(recorder.Current, recent), OutageReplyJsonContext.Default.OutagesReport);
        });
        app.MapGet("/api/outages/timeline", (Delegate)Timeline);
        app.MapGet("/api/battery", async (HttpContext ctx) =>
        {
            if (ctx.RequestServices.GetRequiredService<ApiAccess>().CheckRead(ctx) is { } denied) return denied;
            var config = ctx.RequestServices.GetRequiredService<GatewayConfig>();
            var recorder = ctx.RequestServices.GetService<OutageRecorder>();
            List<OutageRecord> outages = [];
            try { if (recorder is not null) outages = await recorder.Store.LoadHistoryAsync(ctx.RequestAborted).ConfigureAwait(false); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return ApiResults.Error(StatusCodes.Status503ServiceUnavailable, "the outage history cannot be read", $"{recorder!.Store.HistoryPath}: {e.Message}");
            }
            var now = ctx.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
            List<BatterySelfTestResult> selfTests = [];
            if (ctx.RequestServices.GetService<BatterySelfTestStore>() is { } tests)
                selfTests = await tests.LoadAsync(ctx.RequestAborted).ConfigureAwait(false);
            List<BatteryHealthPoint> kept = [];
            if (ctx.RequestServices.GetService<BatteryHealthStore>() is { } health)
                kept = await health.LoadAsync(ctx.RequestAborted).ConfigureAwait(false);
            return SerializedJsonResult.Of(BatteryReport.Build(config.Battery, outages, now) with
            {
                SelfTests = selfTests,
                History = BatteryReport.BuildHistory(kept, outages, selfTests),
            }, OutageReplyJsonContext.Default.BatteryReport);
        });
        return app;
    }

    /// <summary>The current or last outage as a timeline: its events from the log, and the runtime estimate over it from the history.</summary>
    private static async Task<IResult> Timeline(HttpContext ctx)
    {
        var s = ctx.RequestServices;
        if (s.GetRequiredService<ApiAccess>().CheckRead(ctx) is { } denied) return denied;
        if (s.GetService<OutageRecorder>() is not { } recorder)
            return SerializedJsonResult.Of(OutageTimeline.None, OutageReplyJsonContext.Default.OutageTimeline);
        var outage = recorder.Current;
        var live = outage is not null;
        if (outage is null)
        {
            try { outage = (await recorder.Store.LoadHistoryAsync(ctx.RequestAborted).ConfigureAwait(false)).LastOrDefault(); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return ApiResults.Error(StatusCodes.Status503ServiceUnavailable, "the outage history cannot be read", $"{recorder.Store.HistoryPath}: {e.Message}");
            }
        }
        if (outage is null) return SerializedJsonResult.Of(OutageTimeline.None, OutageReplyJsonContext.Default.OutageTimeline);

        var now = s.GetRequiredService<TimeProvider>().GetUtcNow();
        var device = s.GetRequiredService<GatewayConfig>().ProtectedUps?.Id;
        var (from, to) = OutageTimelineBuilder.Window(outage, now);
        IReadOnlyList<Readings.GatewayEvent> events = s.GetRequiredService<Readings.EventBus>().Recent();
        IReadOnlyList<Storage.HistoryPoint> runtime = [];
        if (s.GetService<Storage.IHistoryStore>() is { } store)
        {
            var reader = s.GetRequiredService<HistoryReader>();
            try
            {
                if (reader.TryRun(ct => store.EventsAsync(ApiEndpoints.MaxEventLimit, ct), ctx.RequestAborted) is { } logged)
                    events = await logged.ConfigureAwait(false);
                if (device is not null && reader.TryRun(ct => store.QueryAsync(device, "battery.runtime", from, to, 200, ct), ctx.RequestAborted) is { } series)
                    runtime = await series.ConfigureAwait(false);
            }
            catch (TimeoutException e)
            {
                return ApiResults.Error(StatusCodes.Status503ServiceUnavailable, "the event log query took too long", e.Message);
            }
        }
        return SerializedJsonResult.Of(OutageTimelineBuilder.Build(outage, live, device, events, runtime, now), OutageReplyJsonContext.Default.OutageTimeline);
    }
}
