using Gateway.Web.Dashboard;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Gateway.Web.Settings;

/// <summary>
/// The settings pages: <c>/settings</c> and <c>/settings/{page}</c> serve one embedded page (settings.html) that shows
/// the sign-in form to a visitor who is not signed in and the page's section otherwise; its data comes from the API,
/// which checks the sign-in, so the page itself holds nothing secret. A page mapped elsewhere under /settings (the
/// test buttons at /settings/tools) takes precedence over the pattern here.
/// </summary>
public static class SettingsPageEndpoints
{
    public static IEndpointRouteBuilder MapSettingsPages(this IEndpointRouteBuilder app)
    {
        app.MapGet("/settings", (HttpContext ctx) => DashboardEndpoints.Serve(ctx, "settings.html"));
        // No regex route constraint: the slim web host leaves them out.
        app.MapGet("/settings/{page}", (HttpContext ctx, string page) =>
            page.Length is > 0 and <= 32 && page.All(c => c is (>= 'a' and <= 'z') or '-')
                ? DashboardEndpoints.Serve(ctx, "settings.html")
                : ApiResults.NotFound($"no settings page '{page}'", "the pages are listed at /settings"));
        return app;
    }
}
