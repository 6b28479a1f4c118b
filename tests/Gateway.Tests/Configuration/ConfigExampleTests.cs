using System.Text.RegularExpressions;
using Gateway.Configuration;
using Gateway.DeviceTypes;
using Gateway.Tests.Support;
using Gateway.Yaml;

namespace Gateway.Tests.Configuration;

public class ConfigExampleTests
{
    /// <summary>
    /// A config with one item of every list and one device of every registered type (its <see cref="DeviceType.Example"/>),
    /// so every binder runs.
    /// </summary>
    internal static string EveryShape => "devices:\n"
        + string.Concat(DeviceTypeRegistry.All.Select((t, i) => $"  - {{ id: d{i}, type: {t.Name}, {t.Example.Trim().TrimStart('{')}\n"))
        + """
        nut_server:
          users: [ { name: u, password: p } ]
        shutdown:
          unmounts: [ { path: /mnt/x } ]
          remote_hosts: [ { name: n, host: h, user: u, key_file: k, command: c } ]
          restore:
            wake: [ { name: n, mac: "00:11:22:33:44:55" } ]
          shedding: [ { name: s, after_on_battery: 2m, charge_below: 50, runtime_below: 10m, hosts: [n], containers: [c], vms: [v] } ]
        notifications:
          ntfy: { topic: t }
        battery: { installed: 2024-01-01 }
        """;

    [Fact]
    public void TheExampleDocumentsEveryKeyTheGatewayReads()
    {
        var ctx = new ConfigContext("shape.yaml");
        GatewayConfig.Bind(ConfigSection.Root(ctx, (YamlMappingNode)YamlReader.ReadDocuments(EveryShape)[0]));
        var known = ctx.KnownKeyNames();
        Assert.True(known.Count > 100, $"only {known.Count} keys seen: the shape config no longer reaches every binder");

        var example = File.ReadAllText(RepoPaths.File("config.yaml.example"));
        var missing = known.Where(k => !Regex.IsMatch(example, $@"(^|[\s{{,#-]){Regex.Escape(k)}:", RegexOptions.Multiline)).Order().ToArray();
        Assert.True(missing.Length == 0, "config.yaml.example does not document: " + string.Join(", ", missing));
    }
}
