using Gateway.Tests.Web;

namespace Gateway.Tests.Setup;

/// <summary>/settings/tools is served from the binary with the dashboard's strict content security policy, and its script and style with it.</summary>
public sealed class ToolsPageServingTests
{
    [Fact]
    public async Task The_page_and_its_assets_are_embedded_and_locked_down()
    {
        await using var host = await ApiTestHost.StartAsync();
        using var page = await host.Client.GetAsync("/settings/tools");
        Assert.Equal(200, (int)page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("script-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single());
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("/assets/tools.js", html);
        Assert.Contains("<meta name=\"viewport\"", html);
        foreach (var asset in new[] { "/assets/tools.js", "/assets/tools.css" })
        {
            using var r = await host.Client.GetAsync(asset);
            Assert.Equal(200, (int)r.StatusCode);
            Assert.NotEmpty(await r.Content.ReadAsByteArrayAsync());
        }
    }
}
