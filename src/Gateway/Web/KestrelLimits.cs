using Gateway.Configuration;
using Gateway.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gateway.Web;

/// <summary>
/// What one HTTP client may cost the appliance: connection caps (<c>web.max_connections</c> in all,
/// <c>web.max_connections_per_address</c> per host, see <see cref="ConnectionLimiter"/>), small headers and
/// bodies (the API takes only short JSON), and timeouts for clients that send their headers or body slowly.
/// </summary>
public static class KestrelLimits
{
    public const int MaxRequestHeadersTotalSize = 16 * 1024;
    public const int MaxRequestHeaderCount = 64;
    public const int MaxRequestLineSize = 8 * 1024;
    public const long MaxRequestBodySize = 64 * 1024;
    public static readonly TimeSpan RequestHeadersTimeout = TimeSpan.FromSeconds(15);
    public static readonly TimeSpan KeepAliveTimeout = TimeSpan.FromSeconds(120);

    /// <summary>
    /// Refuses a request whose Content-Length is over the limit with 413 before any endpoint runs. Kestrel enforces
    /// <see cref="MaxRequestBodySize"/> only when an endpoint reads the body, so an action that reads none (the shutdown
    /// rehearsal) would otherwise run and answer 200 to a 10 MB upload. The import endpoint takes up to
    /// <see cref="ImportEndpoints.MaxFileBytes"/>.
    /// </summary>
    public static IApplicationBuilder UseRequestBodyLimit(this IApplicationBuilder app) => app.Use((ctx, next) =>
    {
        var limit = ctx.Request.Path.StartsWithSegments("/api/config/import", StringComparison.OrdinalIgnoreCase) ? ImportEndpoints.MaxFileBytes : MaxRequestBodySize;
        if (ctx.Request.ContentLength is not { } length || length <= limit) return next(ctx);
        ctx.Response.Headers.Connection = "close";
        return ApiResults.Error(StatusCodes.Status413PayloadTooLarge, "request body too large",
            $"this request announces {length} bytes; the gateway takes at most {limit} bytes here").ExecuteAsync(ctx);
    });

    public static void Apply(KestrelServerOptions k, WebOptions web)
    {
        k.AddServerHeader = false;
        var limiter = new ConnectionLimiter("Web server", "web", web.MaxConnections, web.MaxConnectionsPerAddress,
            k.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("Gateway.Web.Connections"));
        k.ConfigureEndpointDefaults(listen => listen.Use(next => connection => LimitPerAddressAsync(limiter, next, connection)));
        var l = k.Limits;
        l.MaxConcurrentConnections = web.MaxConnections;
        // Server-Sent Events hold a connection too; streams beyond web.max_streams are refused by the endpoint.
        l.MaxConcurrentUpgradedConnections = web.MaxConnections;
        l.MaxRequestHeadersTotalSize = MaxRequestHeadersTotalSize;
        l.MaxRequestHeaderCount = MaxRequestHeaderCount;
        l.MaxRequestLineSize = MaxRequestLineSize;
        l.MaxRequestBodySize = MaxRequestBodySize;
        l.RequestHeadersTimeout = RequestHeadersTimeout;
        l.KeepAliveTimeout = KeepAliveTimeout;
        // A body trickling in slower than 240 bytes/s (after 5 s of grace) is dropped: Kestrel's default, kept explicit.
        l.MinRequestBodyDataRate = new MinDataRate(240, TimeSpan.FromSeconds(5));
    }

    /// <summary>
    /// Kestrel's own cap (<c>MaxConcurrentConnections</c>) runs before this and counts every host alike; this one closes
    /// a connection beyond its host's share before a byte is read, as Kestrel closes one beyond its own cap.
    /// </summary>
    private static async Task LimitPerAddressAsync(ConnectionLimiter limiter, ConnectionDelegate next, ConnectionContext connection)
    {
        var address = ConnectionLimiter.AddressOf(connection.RemoteEndPoint);
        if (!limiter.TryAcquire(address))
        {
            await connection.Transport.Input.CompleteAsync();
            await connection.Transport.Output.CompleteAsync();
            return;
        }
        try
        {
            await next(connection);
        }
        finally
        {
            limiter.Release(address);
        }
    }
}
