using System.Text.Json.Nodes;
using Gateway.Configuration;
using Gateway.Tests.Support;

namespace Gateway.Tests.Configuration;

/// <summary>The web settings overlay: how it is laid over the config file, and how API changes become overlay trees.</summary>
public sealed class SettingsOverlayTests : IDisposable
{
    private readonly TempDir _dir = new("gw-overlay");
    private static readonly Dictionary<string, string> NoEnv = new();

    public void Dispose() => _dir.Dispose();

    private string File(string extra = "") => $"gateway:\n  data_dir: {_dir.Path}\nmqtt:\n  host: file.lan\n  port: 1883\n  password: from-file\n{extra}";

    private ConfigLoadResult Load(string fileText, string? overlay, IReadOnlyDictionary<string, string>? env = null, IReadOnlyList<string>? set = null) =>
        ConfigLoader.LoadWithOverlay(fileText, _dir.File("config.yaml"), overlay ?? "", SettingsOverlay.PathIn(_dir.Path), env ?? NoEnv, set ?? []);

    [Fact]
    public void The_overlay_is_laid_over_the_file_key_by_key_and_the_environment_and_set_still_win()
    {
        var r = Load(File(), "mqtt:\n  port: 1884\n");
        Assert.True(r.Ok, string.Join("\n", r.Problems));
        Assert.Equal(1884, r.Config!.Mqtt.Port);
        Assert.Equal("file.lan", r.Config.Mqtt.Host);
        Assert.Equal("from-file", r.Config.Mqtt.Password);

        r = Load(File(), "mqtt:\n  port: 1884\n", new Dictionary<string, string> { ["GATEWAY_MQTT__PORT"] = "1885" });
        Assert.Equal(1885, r.Config!.Mqtt.Port);
        r = Load(File(), "mqtt:\n  port: 1884\n", set: ["mqtt.port=1886"]);
        Assert.Equal(1886, r.Config!.Mqtt.Port);
    }

    [Fact]
    public void A_null_in_the_overlay_returns_a_key_to_its_default()
    {
        var r = Load(File(), "mqtt:\n  host: null\n  password: null\n");
        Assert.True(r.Ok, string.Join("\n", r.Problems));
        Assert.Null(r.Config!.Mqtt.Host);
        Assert.Null(r.Config.Mqtt.Password);
    }

    [Fact]
    public void A_problem_in_the_overlay_names_the_overlay_file_and_line()
    {
        var r = Load(File(), "# comment\nmqtt:\n  port: 70000\n");
        var e = Assert.Single(r.Errors);
        Assert.Equal(SettingsOverlay.PathIn(_dir.Path), e.Source);
        Assert.Equal(3, e.Line);
        Assert.Equal("mqtt.port", e.Key);
    }

    [Fact]
    public void The_overlay_cannot_move_the_data_dir()
    {
        var r = Load(File(), "gateway:\n  data_dir: /elsewhere\n");
        Assert.Contains(r.Errors, e => e.Key == "gateway.data_dir" && e.Message.Contains("config file", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_reads_the_overlay_from_the_data_dir_and_check_config_says_so()
    {
        var path = _dir.Write("config.yaml", File());
        _dir.Write("settings.yaml", "mqtt:\n  port: 1999\n");
        var r = ConfigLoader.Load(path, NoEnv, []);
        Assert.Equal(1999, r.Config!.Mqtt.Port);
        Assert.Equal(SettingsOverlay.PathIn(_dir.Path), r.Config.SettingsPath);
        // The permission warning is about the user's file, never placed in the overlay.
        Assert.All(r.Warnings, w => Assert.NotEqual(SettingsOverlay.PathIn(_dir.Path), w.Source));
    }

    [Fact]
    public void The_effective_configuration_has_every_key_the_binders_read_with_defaults()
    {
        var r = Load(File(), null);
        var mqtt = r.Effective!["mqtt"]!.AsObject();
        Assert.Equal(1883, mqtt["port"]!.GetValue<int>());
        Assert.Equal("homeassistant", mqtt["discovery_prefix"]!.GetValue<string>());
        Assert.Equal("30s", mqtt["keepalive"]!.GetValue<string>());
        Assert.True(r.Effective!["devices"] is JsonArray);
    }

    [Fact]
    public void Secrets_are_masked_and_a_marker_sent_back_keeps_the_stored_value()
    {
        var r = Load(File("nut_server:\n  users:\n    - name: monuser\n      password: s3cret\n"), null);
        var effective = r.Effective!;
        SettingsEdit.MaskSecrets(effective);
        Assert.DoesNotContain("s3cret", effective.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("from-file", effective.ToJsonString(), StringComparison.Ordinal);
        Assert.True(effective["mqtt"]!["password"]![SettingsEdit.SecretMarker]!.GetValue<bool>());
        Assert.False(effective["mqtt"]!["username"] is JsonObject);
        Assert.False(effective["web"]!["api_token"]![SettingsEdit.SecretMarker]!.GetValue<bool>());

        // PATCH: the list comes back with a new user first and the old one (marker) after it; the old keeps its password.
        var file = SettingsEdit.ParseTree(File("nut_server:\n  users:\n    - name: monuser\n      password: s3cret\n"));
        var overlay = SettingsEdit.ParseTree("");
        var patch = JsonNode.Parse("""
            {"mqtt": {"port": 1884, "password": {"__secret_set__": true}},
             "nut_server": {"users": [{"name": "ha", "password": "new-one"}, {"name": "monuser", "password": {"__secret_set__": true}}]}}
            """)!.AsObject();
        SettingsEdit.Patch(overlay, SettingsEdit.Saved(file, overlay), patch);
        var text = SettingsOverlay.ToYaml(overlay);
        Assert.DoesNotContain("from-file", text, StringComparison.Ordinal);   // an unchanged mapping secret is not copied
        var after = Load(File("nut_server:\n  users:\n    - name: monuser\n      password: s3cret\n"), text);
        Assert.True(after.Ok, string.Join("\n", after.Problems));
        Assert.Equal("from-file", after.Config!.Mqtt.Password);
        Assert.Equal(1884, after.Config.Mqtt.Port);
        Assert.Equal(["ha:new-one", "monuser:s3cret"], after.Config.NutServer.Users.Select(u => $"{u.Name}:{u.Password}"));
    }

    [Fact]
    public void A_replacement_of_the_whole_sets_the_keys_it_leaves_out_to_their_defaults_but_keeps_the_data_dir()
    {
        var file = SettingsEdit.ParseTree(File("policy:\n  low_battery_percent: 40\n"));
        var whole = SettingsEdit.ParseTree("mqtt:\n  port: 1890\n");
        var overlay = SettingsEdit.Replace(whole, file);
        SettingsEdit.DropUnchangedDataDir(overlay, _dir.Path);
        var r = Load(File("policy:\n  low_battery_percent: 40\n"), SettingsOverlay.ToYaml(overlay));
        Assert.True(r.Ok, string.Join("\n", r.Problems));
        Assert.Equal(1890, r.Config!.Mqtt.Port);
        Assert.Null(r.Config.Mqtt.Host);
        Assert.Equal(20, r.Config.Policy.LowBatteryPercent);
        Assert.Equal(_dir.Path, r.Config.Gateway.DataDir);
    }

    [Fact]
    public void Text_that_reads_as_null_stays_text()
    {
        var overlay = SettingsEdit.ParseTree("");
        SettingsEdit.Patch(overlay, overlay, JsonNode.Parse("""{"gateway": {"name": "null"}}""")!.AsObject());
        var r = Load(File(), SettingsOverlay.ToYaml(overlay));
        Assert.Equal("null", r.Config!.Gateway.Name);
    }

    [Fact]
    public void A_saved_key_that_the_environment_or_set_overrides_is_named_in_a_warning()
    {
        var overlay = SettingsEdit.ParseTree("mqtt:\n  port: 1884\ndevices:\n  - id: ups\n    port: /dev/ttyUSB0\n");
        var warnings = Gateway.Web.Settings.SettingsStore.Overridden(overlay,
            new Dictionary<string, string> { ["GATEWAY_MQTT__PORT"] = "1", ["GATEWAY_MQTT__HOST"] = "x", ["GATEWAY_DEVICES__0__PORT"] = "/dev/x" },
            ["policy.low_battery_percent=30", "mqtt.port=2"]).ToArray();
        Assert.Equal(3, warnings.Length);
        Assert.Contains(warnings, w => w.StartsWith("devices.0.port is also set by the environment variable GATEWAY_DEVICES__0__PORT", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.StartsWith("mqtt.port is also set by the environment variable GATEWAY_MQTT__PORT", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.StartsWith("mqtt.port is also set by --set", StringComparison.Ordinal));
    }

    [Fact]
    public void The_written_yaml_reads_back_as_the_same_tree()
    {
        const string source = """
            gateway: { name: "null", data_dir: /var/lib/gateway }
            web: { listen: "http://0.0.0.0:8080", api_token: null }
            mqtt: { port: 1884, tls: true, password: 'it''s "x": #1', topic_prefix: ~ }
            policy: { shutdown_delay: -5, ratio: 1.5e3 }
            notes: |
              two
              lines
            shutdown:
              restore:
                wake: [ { name: nas, mac: "00:11:22:33:44:55", broadcast: 192.168.1.255 } ]
              remote_hosts: []
              nested: [ [a, b], [] ]
            empty: {}
            """;
        var tree = SettingsEdit.ParseTree(source);
        var text = SettingsOverlay.ToYaml(tree, "header line");
        Assert.StartsWith("# header line\n", text, StringComparison.Ordinal);
        Assert.Equal(Describe(tree), Describe(SettingsEdit.ParseTree(text)));
        Assert.Contains("port: 1884\n", text, StringComparison.Ordinal);
        Assert.Contains("name: \"null\"\n", text, StringComparison.Ordinal);
    }

    /// <summary>Every scalar with its path, its text and whether the loader reads it as null.</summary>
    private static string Describe(Gateway.Yaml.YamlNode node, string path = "") => node switch
    {
        Gateway.Yaml.YamlMappingNode m => "{" + string.Concat(m.Children.Select(c => Describe(c.Value, path + "." + ((Gateway.Yaml.YamlScalarNode)c.Key).Value))) + "}",
        Gateway.Yaml.YamlSequenceNode s => "[" + string.Concat(s.Children.Select((c, i) => Describe(c, $"{path}[{i}]"))) + "]",
        Gateway.Yaml.YamlScalarNode sc => $"{path}={(ConfigSection.IsNull(sc) ? "<null>" : sc.Value)};",
        _ => "?",
    };
}
