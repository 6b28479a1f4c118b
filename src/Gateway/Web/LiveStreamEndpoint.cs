using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Gateway.Web;

/// <summary>
/// GET /api/stream: Server-Sent Events for the dashboard. Sends the whole <see cref="DashboardState"/> on
/// connect, after every change in the hub or on the event bus (bursts coalesced), and at least every
/// <see cref="Refresh"/> (also a keep-alive). The frames come ready-made from <see cref="LiveStreamBroadcaster"/>;
/// beyond <c>web.max_streams</c> open streams the answer is 503. Ends when the client goes or the gateway stops.
/// </summary>
public static class LiveStreamEndpoint
{
    public static readonly TimeSpan Refresh = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan Coalesce = TimeSpan.FromMilliseconds(150);

    public static async Task<IResult> Handle(HttpContext ctx)
    {
        var s = ctx.RequestServices;
        var broadcaster = s.GetRequiredService<LiveStreamBroadcaster>();
        if (!broadcaster.TryOpen())
        {
            ctx.Response.Headers.RetryAfter = "30";
            return ApiResults.Error(StatusCodes.Status503ServiceUnavailable, "too many live streams",
                $"{broadcaster.MaxStreams} dashboards are already open (web.max_streams); close one, or raise web.max_streams");
        }
        try
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, s.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping);
            var ct = cts.Token;
            ctx.Response.ContentType = "text/event-stream; charset=utf-8";
            ctx.Response.Headers.CacheControl = "no-cache";
            ctx.Response.Headers["X-Accel-Buffering"] = "no";
            var frame = broadcaster.Current();
            while (!ct.IsCancellationRequested)
            {
                await ctx.Response.Body.WriteAsync(frame.Bytes, ct).ConfigureAwait(false);
                await ctx.Response.Body.FlushAsync(ct).ConfigureAwait(false);
                // A client slower than the changes skips to the newest frame instead of walking (and holding) every one in between.
                var latest = broadcaster.Current();
                frame = latest.Version != frame.Version ? latest : await frame.Next.WaitAsync(ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) { }
        catch (IOException) { }
        finally
        {
            broadcaster.Close();
        }
        return Results.Empty;
    }
}
