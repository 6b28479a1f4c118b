using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Web.Dashboard;

/// <summary>Serves the dashboard page at <c>/</c>, the test buttons at <c>/settings/tools</c>, and their scripts and style under <c>/assets/</c>.</summary>
public static class DashboardEndpoints
{
    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", (HttpContext ctx) => Serve(ctx, "index.html"));
        app.MapGet("/settings/tools", (HttpContext ctx) => Serve(ctx, "tools.html"));
        app.MapGet("/assets/{name}", (HttpContext ctx, string name) => Serve(ctx, name));
        return app;
    }

    internal static IResult Serve(HttpContext ctx, string name)
    {
        var asset = ctx.RequestServices.GetRequiredService<DashboardAssets>().Find(name);
        if (asset is null) return ApiResults.NotFound($"no asset '{name}'");
        var headers = ctx.Response.Headers;
        headers.ETag = asset.ETag;
        // Revalidate every time: an upgraded gateway must not show an old script.
        headers.CacheControl = "no-cache";
        headers.XContentTypeOptions = "nosniff";
        if (name.EndsWith(".html", StringComparison.Ordinal))
            headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'";
        if (ctx.Request.Headers.IfNoneMatch.ToString() == asset.ETag) return Results.StatusCode(StatusCodes.Status304NotModified);
        return Results.Bytes(asset.Content, asset.ContentType);
    }
}
