using System.Text.Json;
using System.Threading.Channels;
using Gateway.Policy;
using Gateway.Readings;
using Gateway.Web.Alarms;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Gateway.Web;

/// <summary>
/// GET /api/stream: Server-Sent Events for the dashboard. Sends the whole <see cref="DashboardState"/> on
/// connect, after every change in the hub or on the event bus (bursts coalesced), and at least every
/// <see cref="Refresh"/> (also a keep-alive). Ends when the client goes or the gateway stops.
/// </summary>
public static class LiveStreamEndpoint
{
    public static readonly TimeSpan Refresh = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan Coalesce = TimeSpan.FromMilliseconds(150);

    public static async Task<IResult> Handle(HttpContext ctx)
    {
        var s = ctx.RequestServices;
        var hub = s.GetRequiredService<ReadingHub>();
        var events = s.GetRequiredService<EventBus>();
        var time = s.GetRequiredService<TimeProvider>();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, s.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping);
        var ct = cts.Token;

        ctx.Response.ContentType = "text/event-stream; charset=utf-8";
        ctx.Response.Headers.CacheControl = "no-cache";
        ctx.Response.Headers["X-Accel-Buffering"] = "no";

        var dirty = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        using var hubSub = hub.Subscribe("web-stream", 64);
        using var eventSub = events.Subscribe("web-stream", 64);
        var pumps = Task.WhenAll(Pump(hubSub.Reader, dirty.Writer, ct), Pump(eventSub.Reader, dirty.Writer, ct));
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await Send(ctx, s, time, ct).ConfigureAwait(false);
                try
                {
                    await dirty.Reader.WaitToReadAsync(ct).AsTask().WaitAsync(Refresh, time, ct).ConfigureAwait(false);
                    await Task.Delay(Coalesce, time, ct).ConfigureAwait(false);
                }
                catch (TimeoutException) { }
                dirty.Reader.TryRead(out _);
            }
        }
        catch (OperationCanceledException) { }
        catch (IOException) { }
        finally
        {
            await cts.CancelAsync().ConfigureAwait(false);
            await pumps.ConfigureAwait(false);
        }
        return Results.Empty;
    }

    private static async Task Send(HttpContext ctx, IServiceProvider s, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var state = new DashboardState(now,
            TelemetryBuilder.Build(s.GetRequiredService<ReadingHub>(), s.GetRequiredService<AlarmMonitor>(), s.GetRequiredService<DeviceDirectory>(), now),
            PolicyReport.From(s.GetRequiredService<IPolicyStatusSource>().Current, now));
        var json = JsonSerializer.Serialize(state, WebJsonContext.Api.DashboardState);
        await ctx.Response.WriteAsync("event: state\ndata: " + json + "\n\n", ct).ConfigureAwait(false);
        await ctx.Response.Body.FlushAsync(ct).ConfigureAwait(false);
    }

    private static async Task Pump<T>(ChannelReader<T> from, ChannelWriter<bool> to, CancellationToken ct)
    {
        try
        {
            await foreach (var _ in from.ReadAllAsync(ct).ConfigureAwait(false))
                to.TryWrite(true);
        }
        catch (OperationCanceledException) { }
    }
}
