using Gateway.Configuration;
using Gateway.HomeAssistant;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.HomeAssistant;

public sealed class PublishThrottleTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));

    private static HaStateValue[] Doc(string status, double power, double energy = 3604.2) =>
        [HaStateValue.Of("status", status), HaStateValue.Of("total_power", power), HaStateValue.Of("import_energy", energy), HaStateValue.Null("phase_sequence")];

    /// <summary>What a device publishing once a second gets through, the way the state publisher uses the throttle.</summary>
    private static List<int> Run(PublishThrottle throttle, FakeTimeProvider time, Func<int, HaStateValue[]> docAt, int seconds)
    {
        var sent = new List<int>();
        for (var s = 0; s < seconds; s++)
        {
            var doc = docAt(s);
            if (throttle.ShouldPublish("grid", doc))
            {
                throttle.Record("grid", doc);
                sent.Add(s);
            }
            time.Advance(TimeSpan.FromSeconds(1));
        }
        return sent;
    }

    [Fact]
    public void Moving_numbers_go_out_at_most_every_min_interval_and_a_status_change_goes_out_at_once()
    {
        var throttle = new PublishThrottle(new PublishPolicyOptions(), _time);   // defaults: 5 s, 1 %
        // Power moves 2 % every second; at 12 s the status changes.
        var sent = Run(throttle, _time, s => Doc(s >= 12 ? "OB" : "OL", 1000 * Math.Pow(1.02, s)), 20);
        Assert.Equal([0, 5, 10, 12, 17], sent);
        Assert.Equal(15, throttle.HeldBack);
    }

    [Fact]
    public void A_number_within_its_deadband_is_not_sent_and_the_newest_held_document_is_handed_over_once()
    {
        var throttle = new PublishThrottle(new PublishPolicyOptions(), _time);
        // 0.5 % steps: 1 % is crossed from the last published value every third second, but 5 s apart at most.
        var sent = Run(throttle, _time, s => Doc("OL", 1000 + 5 * s), 30);
        Assert.Equal([0, 5, 10, 15, 20, 25], sent);
        var steady = Run(throttle, _time, _ => Doc("OL", 1125), 60);
        Assert.Empty(steady);   // 1125 was sent at 25 s: nothing moved
        Assert.Equal(Doc("OL", 1125), throttle.TakeHeld("grid")!.ToArray());
        Assert.True(throttle.SameAsPublished("grid", Doc("OL", 1125)));
        Assert.False(throttle.SameAsPublished("grid", Doc("OL", 1125.5)));
        Assert.Null(throttle.TakeHeld("grid"));

        Assert.False(throttle.ShouldPublish("grid", Doc("OL", 1126)));
        Assert.Equal(Doc("OL", 1126), throttle.TakeHeld("grid")!.ToArray());
        Assert.Null(throttle.TakeHeld("grid"));
    }

    [Fact]
    public void Rules_per_device_and_per_entity_override_the_defaults_the_most_specific_first()
    {
        var policy = new PublishPolicyOptions
        {
            Rules = [new PublishRule("grid", null, TimeSpan.FromSeconds(30), 10), new PublishRule("grid", "total_power", null, 0)],
        };
        Assert.Equal((TimeSpan.FromSeconds(30), 0.0), policy.For("grid", "total_power"));
        Assert.Equal((TimeSpan.FromSeconds(30), 10.0), policy.For("grid", "import_energy"));
        Assert.Equal((TimeSpan.FromSeconds(5), 1.0), policy.For("ups", "total_power"));

        var throttle = new PublishThrottle(policy, _time);
        var sent = Run(throttle, _time, s => Doc("OL", 1000 + s), 70);   // power and energy move 0.1 % every second
        Assert.Equal([0, 30, 60], sent);
    }
}
