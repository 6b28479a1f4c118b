using Gateway.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Hosting;

public sealed class LoginThrottleTests
{
    private static LoginThrottle NewThrottle(TimeProvider time) =>
        new("NUT server", "passwords", "check upsmon.conf", time, NullLogger.Instance);

    /// <summary>
    /// Guesses sent at once on many connections from one address: with the clock standing still (the first lockout
    /// never ends), exactly the free failures are checked and every other guess is refused unchecked. Checked in two
    /// steps (lockout check, then verify, then record) the guesses in flight together all passed the lockout check.
    /// </summary>
    [Fact]
    public void A_burst_of_concurrent_guesses_gets_only_the_free_checks()
    {
        var throttle = NewThrottle(new FakeTimeProvider());
        var verified = 0;
        var lockedOut = 0;
        using var start = new Barrier(8);
        var threads = Enumerable.Range(0, 8).Select(_ => new Thread(() =>
        {
            start.SignalAndWait();
            for (var i = 0; i < 50; i++)
            {
                var user = throttle.Check<string>("192.0.2.7", "monuser", () =>
                {
                    Interlocked.Increment(ref verified);
                    Thread.SpinWait(20_000); // a slow check widens the window a two-step check leaves open
                    return null;
                }, out var refused);
                Assert.Null(user);
                if (refused) Interlocked.Increment(ref lockedOut);
            }
        })).ToArray();
        foreach (var t in threads) t.Start();
        foreach (var t in threads) t.Join();

        Assert.Equal(LoginThrottle.FreeFailures, verified);
        Assert.Equal(LoginThrottle.FreeFailures, throttle.TotalFailures);
        Assert.Equal(8 * 50 - LoginThrottle.FreeFailures, lockedOut);
    }

    [Fact]
    public void The_right_secret_is_returned_and_clears_the_record_while_a_locked_out_address_is_refused_unchecked()
    {
        var time = new FakeTimeProvider();
        var throttle = NewThrottle(time);
        for (var i = 0; i < LoginThrottle.FreeFailures; i++)
            Assert.Null(throttle.Check<string>("192.0.2.7", "monuser", () => null, out _));

        var asked = false;
        Assert.Null(throttle.Check("192.0.2.7", "monuser", () => { asked = true; return "monuser"; }, out var refused));
        Assert.True(refused);
        Assert.False(asked);

        time.Advance(LoginThrottle.FirstLockout);
        Assert.Equal("monuser", throttle.Check("192.0.2.7", "monuser", () => "monuser", out refused));
        Assert.False(refused);
        Assert.Equal(TimeSpan.Zero, throttle.LockedFor("192.0.2.7"));
        // The record is gone: the free failures are free again.
        for (var i = 0; i < LoginThrottle.FreeFailures - 1; i++) throttle.Check<string>("192.0.2.7", "monuser", () => null, out _);
        Assert.Equal(TimeSpan.Zero, throttle.LockedFor("192.0.2.7"));
    }
}
