using Gateway.Web;

namespace Gateway.Tests.Web;

public sealed class ApiAccessTests
{
    [Fact]
    public void Only_the_exact_token_is_valid()
    {
        var access = new ApiAccess(ApiTestHost.Config($"web:\n  api_token: {ApiTestHost.Token}\n"));
        Assert.True(access.TokenConfigured);
        Assert.False(access.AuthReads);
        Assert.True(access.IsValid(ApiTestHost.Token));
        Assert.False(access.IsValid(ApiTestHost.Token.ToUpperInvariant()));
        Assert.False(access.IsValid(ApiTestHost.Token[..^1]));
        Assert.False(access.IsValid(ApiTestHost.Token + " "));
        Assert.False(access.IsValid(""));
        Assert.False(access.IsValid(null));
    }

    [Fact]
    public void Without_a_token_nothing_is_valid()
    {
        var access = new ApiAccess(ApiTestHost.Config(""));
        Assert.False(access.TokenConfigured);
        Assert.False(access.IsValid(""));
        Assert.False(access.IsValid("anything"));
    }

    [Fact]
    public async Task Error_replies_are_readable_json()
    {
        await using var host = await ApiTestHost.StartAsync();
        var resp = await host.Client.GetAsync("/api/telemetry/no-such");
        Assert.Equal("application/json; charset=utf-8", resp.Content.Headers.ContentType!.ToString());
        Assert.Equal("""{"error":"unknown device 'no-such'","detail":"no devices are configured"}""", await resp.Content.ReadAsStringAsync());
    }
}
