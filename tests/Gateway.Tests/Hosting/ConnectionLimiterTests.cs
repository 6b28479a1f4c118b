using Gateway.Hosting;

namespace Gateway.Tests.Hosting;

/// <summary>The per-address connection cap the NUT server and the web server share.</summary>
public sealed class ConnectionLimiterTests
{
    [Fact]
    public void One_address_gets_its_share_the_others_get_the_kept_slots_and_the_offender_is_logged_once()
    {
        var log = new ListLogger();
        var limiter = new ConnectionLimiter("Web server", "web", maxConnections: 16, maxPerAddress: 4, log);
        Assert.Equal(4, Enumerable.Range(0, 10).Count(_ => limiter.TryAcquire("10.0.0.1")));
        Assert.Single(log.Lines);
        Assert.Contains("Web server: refusing connections from 10.0.0.1", log.Lines[0].Message, StringComparison.Ordinal);
        Assert.Contains("web.max_connections_per_address", log.Lines[0].Message, StringComparison.Ordinal);

        // Three more hosts fill up to the kept eighth (16 / 8 = 2 slots): 4 + 4 + 4 + 2 = 14.
        for (var i = 0; i < 4; i++) Assert.True(limiter.TryAcquire("10.0.0.2"));
        for (var i = 0; i < 4; i++) Assert.True(limiter.TryAcquire("10.0.0.3"));
        Assert.True(limiter.TryAcquire("10.0.0.4"));
        Assert.True(limiter.TryAcquire("10.0.0.4"));
        Assert.False(limiter.TryAcquire("10.0.0.4"));   // holds some, and only the kept slots are left
        Assert.Contains("kept for other addresses", log.Lines[^1].Message, StringComparison.Ordinal);
        Assert.True(limiter.TryAcquire("10.0.0.5"));    // holds none: gets a kept slot
        Assert.True(limiter.TryAcquire("10.0.0.6"));
        Assert.Equal(16, limiter.Total);
        Assert.False(limiter.TryAcquire("10.0.0.7"));   // all taken
        Assert.Contains("all 16 connections (web.max_connections)", log.Lines[^1].Message, StringComparison.Ordinal);
        Assert.Equal(3, log.Lines.Count);               // 10.0.0.1, .4, .7: one line each
    }

    [Fact]
    public void An_address_that_let_go_of_all_its_connections_is_logged_again_next_time()
    {
        var log = new ListLogger();
        var limiter = new ConnectionLimiter("NUT server", "nut_server", maxConnections: 8, maxPerAddress: 1, log);
        Assert.True(limiter.TryAcquire("10.0.0.1"));
        Assert.False(limiter.TryAcquire("10.0.0.1"));
        Assert.False(limiter.TryAcquire("10.0.0.1"));
        Assert.Single(log.Lines);
        limiter.Release("10.0.0.1");
        Assert.Equal(0, limiter.Total);
        Assert.True(limiter.TryAcquire("10.0.0.1"));
        Assert.False(limiter.TryAcquire("10.0.0.1"));
        Assert.Equal(2, log.Lines.Count);
    }

    [Theory]
    [InlineData("::ffff:192.168.1.20", "192.168.1.20")]
    [InlineData("192.168.1.20", "192.168.1.20")]
    [InlineData("fe80::1", "fe80::1")]
    public void A_dual_stack_client_is_counted_under_its_ipv4_address(string remote, string counted) =>
        Assert.Equal(counted, ConnectionLimiter.AddressOf(new System.Net.IPEndPoint(System.Net.IPAddress.Parse(remote), 5000)));

    [Fact]
    public void An_endpoint_without_an_address_is_counted_as_unknown() =>
        Assert.Equal("unknown", ConnectionLimiter.AddressOf(null));
}
