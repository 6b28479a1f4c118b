using Gateway.Drivers.Readings;
using Gateway.Readings;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Tests.Readings;

public class PowerEventDetectorTests
{
    private static UpsReading Ups(string status) =>
        new("ups", DateTimeOffset.UnixEpoch, TimeSpan.FromSeconds(3), UpsStatus.Parse(status), new Dictionary<string, string>());

    [Fact]
    public void OneEventPerChangeNotPerReading()
    {
        var hub = new ReadingHub(TimeProvider.System, NullLogger<ReadingHub>.Instance);
        var bus = new EventBus(NullLogger<EventBus>.Instance);
        var d = new PowerEventDetector(hub, bus);
        foreach (var s in new[] { "OL", "OL", "OB DISCHRG", "OB DISCHRG", "OB DISCHRG LB", "OL CHRG", "OL" })
            d.Handle(new ReadingPublished(Ups(s)));
        d.Handle(new LinkStateChanged("ups", LinkState.Connected, LinkState.Lost, "unplugged", DateTimeOffset.UnixEpoch));
        d.Handle(new LinkStateChanged("ups", LinkState.Lost, LinkState.Connected, null, DateTimeOffset.UnixEpoch));
        d.Handle(new LinkStateChanged("ups", LinkState.Connecting, LinkState.Connected, null, DateTimeOffset.UnixEpoch));
        Assert.Equal([EventKinds.PowerLost, EventKinds.PowerRestored, EventKinds.DeviceLost, EventKinds.DeviceBack], bus.Recent().Select(e => e.Kind));
    }

    [Fact]
    public void StartingOnBatteryIsAPowerLoss()
    {
        var bus = new EventBus(NullLogger<EventBus>.Instance);
        var d = new PowerEventDetector(new ReadingHub(TimeProvider.System, NullLogger<ReadingHub>.Instance), bus);
        d.Handle(new ReadingPublished(Ups("OB")));
        Assert.Equal(EventKinds.PowerLost, Assert.Single(bus.Recent()).Kind);
    }
}
