using Gateway.Configuration;
using Gateway.LiveApply;
using Gateway.Tests.Configuration;
using Gateway.Yaml;

namespace Gateway.Tests.LiveApply;

/// <summary>
/// The fingerprint covers every section and every device type: a type without <see cref="IFingerprinted"/> would throw
/// when a configuration change is compared (<see cref="FingerprintCoverageTests"/> changes every setting one by one).
/// </summary>
public sealed class ConfigFingerprintTests
{
    [Fact]
    public void Every_section_and_every_device_type_has_a_fingerprint_that_sees_a_nested_change()
    {
        var a = Bind(ConfigExampleTests.EveryShape);
        var b = Bind(ConfigExampleTests.EveryShape.Replace("mac: \"00:11:22:33:44:55\"", "mac: \"00:11:22:33:44:66\"", StringComparison.Ordinal));
        object[] sections = [a.Gateway, a.Mqtt, a.NutServer, a.Web, a.History, a.Policy, a.Shutdown, a.Gpio, a.Notifications, a.Logging, a.Battery];
        foreach (var section in sections)
            Assert.StartsWith("{", ConfigFingerprint.Of(section), StringComparison.Ordinal);
        Assert.Equal(DeviceTypeCount(), a.Devices.Select(d => d.GetType()).Distinct().Count());
        foreach (var device in a.Devices)
            Assert.Contains($"\"id\":\"{device.Id}\"", ConfigFingerprint.Of(device), StringComparison.Ordinal);

        Assert.Equal(["shutdown"], ConfigDiff.Compare(a, b).Sections);
        Assert.Equal(["restore"], ConfigFingerprint.ChangedKeys(a.Shutdown, b.Shutdown));
        Assert.True(ConfigDiff.Compare(a, Bind(ConfigExampleTests.EveryShape)).IsEmpty);
    }

    /// <summary>Binds without the loader's cross-checks (the shape config puts every device type on one port).</summary>
    internal static GatewayConfig Bind(string yaml)
    {
        return GatewayConfig.Bind(ConfigSection.Root(new ConfigContext("shape.yaml"), (YamlMappingNode)YamlReader.ReadDocuments(yaml)[0]));
    }

    private static int DeviceTypeCount() => Gateway.DeviceTypes.DeviceTypeRegistry.All.Select(t => t.Name).Distinct().Count();
}
