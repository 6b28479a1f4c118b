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

    /// <summary>
    /// A slow, awaited check (the web sign-in's password hash) cannot hold the throttle's lock. Begun at once on many
    /// connections, only as many checks run as the address has free failures; once those failed it is locked out, and
    /// after the lockout one check at a time runs, never a second beside it.
    /// </summary>
    [Fact]
    public void Slow_checks_begun_at_once_get_only_the_free_failures_then_one_at_a_time()
    {
        var time = new FakeTimeProvider();
        var throttle = NewThrottle(time);
        const string Address = "192.0.2.9";
        var begun = 0;
        using var start = new Barrier(8);
        var threads = Enumerable.Range(0, 8).Select(_ => new Thread(() =>
        {
            start.SignalAndWait();
            for (var i = 0; i < 20; i++)
                if (throttle.TryBegin(Address)) Interlocked.Increment(ref begun);
        })).ToArray();
        foreach (var t in threads) t.Start();
        foreach (var t in threads) t.Join();
        Assert.Equal(LoginThrottle.FreeFailures, begun);

        for (var i = 0; i < begun; i++) throttle.End(Address, false, null);
        Assert.Equal(LoginThrottle.FreeFailures, throttle.TotalFailures);
        Assert.False(throttle.TryBegin(Address));
        Assert.Equal(LoginThrottle.FirstLockout, throttle.LockedFor(Address));

        time.Advance(LoginThrottle.FirstLockout);
        Assert.True(throttle.TryBegin(Address));
        Assert.False(throttle.TryBegin(Address));
        // Aborted (the request went away): released, counted neither way.
        throttle.End(Address, null, null);
        Assert.Equal(LoginThrottle.FreeFailures, throttle.TotalFailures);
        Assert.True(throttle.TryBegin(Address));
        throttle.End(Address, true, null);
        // The right password cleared the record: the free checks are free again.
        for (var i = 0; i < LoginThrottle.FreeFailures; i++) Assert.True(throttle.TryBegin(Address));
        Assert.False(throttle.TryBegin(Address));
    }
}
