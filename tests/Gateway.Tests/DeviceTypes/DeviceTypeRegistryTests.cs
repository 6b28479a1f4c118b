using Gateway.Configuration;
using Gateway.DeviceTypes;
using Gateway.Drivers.Devices;
using Gateway.Drivers.Modbus;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Tests.DeviceTypes;

/// <summary>The table of device types: each entry alone is enough for the configuration, the driver and Home Assistant.</summary>
public class DeviceTypeRegistryTests
{
    public static TheoryData<string> Names() => [.. DeviceTypeRegistry.Names];

    [Theory]
    [MemberData(nameof(Names))]
    public void Each_type_binds_its_example_and_makes_a_driver_of_the_right_kind_from_it(string name)
    {
        var type = DeviceTypeRegistry.Find(name)!;
        var r = ConfigLoader.LoadText($"devices:\n  - {{ id: dev, type: {name}, {type.Example.Trim().TrimStart('{')}\n", "test.yaml", new Dictionary<string, string>(), []);
        Assert.True(r.Ok, string.Join("\n", r.Problems));
        var options = Assert.Single(r.Config!.Devices);
        Assert.Equal(name, options.Type);

        using var services = new ServiceCollection().AddSingleton(TimeProvider.System).AddSingleton(new ModbusBuses(TimeProvider.System)).BuildServiceProvider();
        var driver = type.CreateDriver(options, services, NullLogger.Instance);
        Assert.Equal("dev", driver.DeviceId);
        Assert.Equal(options.IsUps ? DeviceKind.Ups : DeviceKind.Meter, driver.Kind);
        // A device that is not a UPS is announced to Home Assistant by its own sensor table.
        Assert.Equal(!options.IsUps, type.MeterEntities?.Invoke(options) is { Count: > 0 });
    }

    [Fact]
    public void Type_names_are_unique_and_every_one_is_offered_in_the_error_for_a_missing_type()
    {
        Assert.Equal(DeviceTypeRegistry.Names.Length, DeviceTypeRegistry.Names.Distinct(StringComparer.Ordinal).Count());
        var r = ConfigLoader.LoadText("devices:\n  - { id: dev, port: /dev/x }\n", "test.yaml", new Dictionary<string, string>(), []);
        var error = Assert.Single(r.Errors).Message;
        Assert.All(DeviceTypeRegistry.Names, n => Assert.Contains(n, error, StringComparison.Ordinal));
    }
}
