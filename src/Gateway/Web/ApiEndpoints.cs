using System.Globalization;
using System.Text.RegularExpressions;
using Gateway.DeviceCommands;
using Gateway.Drivers.Devices;
using Gateway.Policy;
using Gateway.Readings;
using Gateway.Shutdown;
using Gateway.Storage;
using Gateway.Web.Alarms;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gateway.Web;

/// <summary>
/// The JSON API: telemetry, history, events, policy (reads, open unless <c>web.auth_reads</c>) and the
/// actions (shutdown rehearsal, device commands; bearer token required).
/// </summary>
public static partial class ApiEndpoints
{
    public const int DefaultHistoryPoints = 300;
    public const int MaxHistoryPoints = 2000;
    public const int DefaultEventLimit = 100;
    public const int MaxEventLimit = 1000;

    public static IEndpointRouteBuilder MapApi(this IEndpointRouteBuilder app)
    {
        var reads = app.MapGroup("/api").AddEndpointFilter(async (ctx, next) =>
            ctx.HttpContext.RequestServices.GetRequiredService<ApiAccess>().CheckRead(ctx.HttpContext) ?? await next(ctx).ConfigureAwait(false));
        reads.MapGet("/telemetry", Telemetry);
        reads.MapGet("/telemetry/{device}", TelemetryOf);
        reads.MapGet("/history/{device}", History);
        reads.MapGet("/events", (Delegate)Events);
        reads.MapGet("/policy", Policy);
        reads.MapGet("/stream", (Delegate)LiveStreamEndpoint.Handle);

        var actions = app.MapGroup("/api").AddEndpointFilter(async (ctx, next) =>
            ctx.HttpContext.RequestServices.GetRequiredService<ApiAccess>().CheckAction(ctx.HttpContext) ?? await next(ctx).ConfigureAwait(false));
        actions.MapPost("/shutdown/test", (Delegate)ShutdownTest);
        actions.MapPost("/devices/{device}/commands/{command}", Command);

        // Anything else under /api is a JSON 404, not an empty reply or the dashboard.
        app.Map("/api/{**rest}", (HttpContext ctx) => ApiResults.NotFound("no such endpoint", $"{ctx.Request.Method} {ctx.Request.Path}"));
        return app;
    }

    private static IResult Telemetry(HttpContext ctx)
    {
        var s = ctx.RequestServices;
        var report = TelemetryBuilder.Build(s.GetRequiredService<ReadingHub>(), s.GetRequiredService<AlarmMonitor>(),
            s.GetRequiredService<DeviceDirectory>(), s.GetRequiredService<TimeProvider>().GetUtcNow());
        return SerializedJsonResult.Api(report, WebReplyJsonContext.Default.TelemetryReport);
    }

    private static IResult TelemetryOf(HttpContext ctx, string device)
    {
        var s = ctx.RequestServices;
        var hub = s.GetRequiredService<ReadingHub>();
        if (hub.Get(device) is not { } snapshot) return UnknownDevice(hub, device);
        var view = TelemetryBuilder.Device(snapshot, s.GetRequiredService<AlarmMonitor>(), s.GetRequiredService<DeviceDirectory>(),
            s.GetRequiredService<TimeProvider>().GetUtcNow());
        return SerializedJsonResult.Api(view, WebReplyJsonContext.Default.DeviceTelemetry);
    }

    private static async Task<IResult> History(HttpContext ctx, string device)
    {
        var s = ctx.RequestServices;
        var hub = s.GetRequiredService<ReadingHub>();
        if (hub.Get(device) is not { } snapshot) return UnknownDevice(hub, device);
        var q = ctx.Request.Query;
        var metric = q["metric"].ToString();
        if (metric.Length == 0)
            return ApiResults.BadRequest("metric is required", "e.g. ?metric=battery.charge (the keys of /api/telemetry/{device} 'values')");
        // Keys declared in the configuration (type: modbus) are known by what the device reports.
        if ((MetricCatalog.UnitOf(snapshot.Kind, metric) ?? (snapshot.Latest is { } latest ? MetricCatalog.UnitIn(latest.Metrics, metric) : null)) is not { } unit)
            return ApiResults.BadRequest($"unknown metric '{metric}' for a {TelemetryBuilder.KindName(snapshot.Kind)}",
                "use one of the keys of /api/telemetry/{device} 'values'");
        var now = s.GetRequiredService<TimeProvider>().GetUtcNow();
        if (!TimeRange.TryParse(q["from"], now, now - TimeSpan.FromHours(1), out var from, out var error))
            return ApiResults.BadRequest("bad 'from'", error);
        if (!TimeRange.TryParse(q["to"], now, now, out var to, out error))
            return ApiResults.BadRequest("bad 'to'", error);
        if (from >= to)
            return ApiResults.BadRequest("bad time range", $"'from' ({from:O}) must be before 'to' ({to:O})");
        if (to - from > TimeRange.MaxSpan)
            return ApiResults.BadRequest("bad time range", $"at most {TimeRange.MaxSpan.TotalDays:0} days per query");
        var points = DefaultHistoryPoints;
        if (q["points"].ToString() is { Length: > 0 } p
            && (!int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out points) || points < 2 || points > MaxHistoryPoints))
            return ApiResults.BadRequest("bad 'points'", $"expected a whole number from 2 to {MaxHistoryPoints}, got '{p}'");

        if (s.GetService<IHistoryStore>() is not { } store)
            return ApiResults.Error(StatusCodes.Status503ServiceUnavailable, "history is not available",
                "no history store is running (history.enabled is false, or the database could not be opened: see the log)");
        var query = s.GetRequiredService<HistoryReader>().TryRun(ct => store.QueryAsync(device, metric, from, to, points, ct), ctx.RequestAborted);
        if (query is null) return HistoryBusy(ctx);
        IReadOnlyList<HistoryPoint> series;
        try { series = await query.ConfigureAwait(false); }
        catch (TimeoutException e) { return ApiResults.Error(StatusCodes.Status503ServiceUnavailable, "history query too long", e.Message); }
        var report = new HistoryReport(device, metric, unit, from, to, HistoryPointView.Of(series));
        return SerializedJsonResult.Api(report, WebReplyJsonContext.Default.HistoryReport);
    }

    private static IResult HistoryBusy(HttpContext ctx)
    {
        ctx.Response.Headers.RetryAfter = "2";
        return ApiResults.Error(StatusCodes.Status503ServiceUnavailable, "history is busy",
            $"{HistoryReader.MaxWaiting} history queries are already waiting; try again in a moment");
    }

    private static async Task<IResult> Events(HttpContext ctx)
    {
        var limit = DefaultEventLimit;
        if (ctx.Request.Query["limit"].ToString() is { Length: > 0 } l
            && (!int.TryParse(l, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > MaxEventLimit))
            return ApiResults.BadRequest("bad 'limit'", $"expected a whole number from 1 to {MaxEventLimit}, got '{l}'");
        var s = ctx.RequestServices;
        EventsReport report;
        if (s.GetService<IHistoryStore>() is { } store)
        {
            var query = s.GetRequiredService<HistoryReader>().TryRun(ct => store.EventsAsync(limit, ct), ctx.RequestAborted);
            if (query is null) return HistoryBusy(ctx);
            IReadOnlyList<GatewayEvent> events;
            try { events = await query.ConfigureAwait(false); }
            catch (TimeoutException e) { return ApiResults.Error(StatusCodes.Status503ServiceUnavailable, "event log query too long", e.Message); }
            report = new EventsReport("history", events.Select(EventView.From).ToArray());
        }
        else
        {
            var recent = s.GetRequiredService<EventBus>().Recent();
            report = new EventsReport("memory", recent.Reverse().Take(limit).Select(EventView.From).ToArray());
        }
        return SerializedJsonResult.Api(report, WebReplyJsonContext.Default.EventsReport);
    }

    private static IResult Policy(HttpContext ctx)
    {
        var s = ctx.RequestServices;
        var report = PolicyReport.From(s.GetRequiredService<IPolicyStatusSource>().Current, s.GetRequiredService<TimeProvider>().GetUtcNow());
        return SerializedJsonResult.Api(report, WebReplyJsonContext.Default.PolicyReport);
    }

    private static async Task<IResult> ShutdownTest(HttpContext ctx)
    {
        var s = ctx.RequestServices;
        if (s.GetService<IShutdownRehearsal>() is not { } rehearsal)
            return ApiResults.Error(StatusCodes.Status503ServiceUnavailable, "shutdown rehearsal is not available",
                "no shutdown sequence is configured in this build or configuration");
        var gate = s.GetRequiredService<RehearsalLock>().Gate;
        if (!await gate.WaitAsync(0, ctx.RequestAborted).ConfigureAwait(false))
            return ApiResults.Error(StatusCodes.Status409Conflict, "a shutdown rehearsal is already running", "wait for it to finish");
        try
        {
            Log(ctx).LogInformation("Shutdown rehearsal (dry run) requested over the API from {Remote}", ctx.Connection.RemoteIpAddress);
            var summary = await rehearsal.RehearseAsync(ctx.RequestAborted).ConfigureAwait(false);
            return SerializedJsonResult.Api(RehearsalReport.From(summary), WebReplyJsonContext.Default.RehearsalReport);
        }
        finally
        {
            gate.Release();
        }
    }

    private static async Task<IResult> Command(HttpContext ctx, string device, string command)
    {
        var s = ctx.RequestServices;
        var directory = s.GetRequiredService<DeviceDirectory>();
        if (directory.Find(device) is null) return UnknownDevice(s.GetRequiredService<ReadingHub>(), device);
        if (!CommandName().IsMatch(command))
            return ApiResults.BadRequest($"'{command}' is not a command name", "commands are NUT instant-command names such as beeper.disable");
        var supported = directory.CommandsOf(device);
        if (!supported.Contains(command, StringComparer.Ordinal))
            return ApiResults.BadRequest($"device '{device}' does not support '{command}'",
                supported.Count == 0 ? "this device takes no commands" : $"supported: {string.Join(", ", supported)}");
        var outcome = await s.GetRequiredService<DeviceCommandGate>().RunAsync(device, command, CommandSource.Api(ctx.Connection.RemoteIpAddress?.ToString()), ctx.RequestAborted).ConfigureAwait(false);
        if (outcome.RetryAfter > TimeSpan.Zero)
            ctx.Response.Headers.RetryAfter = Math.Ceiling(outcome.RetryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        return outcome.Verdict switch
        {
            CommandVerdict.Done or CommandVerdict.AlreadySet => SerializedJsonResult.Api(new CommandReply(device, command, outcome.Verdict == CommandVerdict.Done ? "ok" : "already_set", outcome.Message), WebReplyJsonContext.Default.CommandReply),
            CommandVerdict.NotSupported => ApiResults.BadRequest($"device '{device}' does not support '{command}'", outcome.Message),
            CommandVerdict.Forbidden => ApiResults.Error(StatusCodes.Status403Forbidden, $"'{command}' is not allowed on device '{device}'", outcome.Message),
            CommandVerdict.Busy => ApiResults.Error(StatusCodes.Status409Conflict, $"device '{device}' is busy with another command", outcome.Message),
            CommandVerdict.RateLimited => ApiResults.Error(StatusCodes.Status429TooManyRequests, $"'{command}' was sent too recently", outcome.Message),
            CommandVerdict.Unavailable => ApiResults.Error(StatusCodes.Status503ServiceUnavailable, $"device '{device}' is unavailable", outcome.Message),
            _ => ApiResults.Error(StatusCodes.Status502BadGateway, $"the device did not carry out '{command}'", outcome.Message),
        };
    }

    private static IResult UnknownDevice(ReadingHub hub, string device)
    {
        var known = hub.Snapshot().Select(d => d.DeviceId).ToArray();
        return ApiResults.NotFound($"unknown device '{device}'", known.Length == 0 ? "no devices are configured" : $"devices: {string.Join(", ", known)}");
    }

    private static ILogger Log(HttpContext ctx) => ctx.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Gateway.Web.Api");

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,63}$")]
    private static partial Regex CommandName();
}
