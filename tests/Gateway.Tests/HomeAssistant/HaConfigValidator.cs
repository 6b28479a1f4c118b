using System.Text.Json;
using System.Text.RegularExpressions;

namespace Gateway.Tests.HomeAssistant;

/// <summary>
/// Checks a discovery config the way Home Assistant would (ha-sensor-units.json, copied from the shared reference)
/// plus the gateway checklist of docs/reference/ha-discovery.md §6.
/// </summary>
public sealed partial class HaConfigValidator
{
    private static readonly string[] Components = ["sensor", "binary_sensor", "button"];
    private static readonly string[] GenericStateClasses = ["measurement", "total", "total_increasing"];
    private static readonly string[] ButtonClasses = ["identify", "restart", "update"];
    private readonly JsonElement _units;
    private readonly HashSet<string> _binaryClasses;
    private readonly HashSet<string> _ambiguousUnits;
    private readonly HashSet<string> _uniqueIds = new(StringComparer.Ordinal);

    public HaConfigValidator()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "HomeAssistant", "ha-sensor-units.json");
        _units = JsonDocument.Parse(File.ReadAllText(path)).RootElement.Clone();
        _binaryClasses = _units.GetProperty("binary_sensor_device_classes").EnumerateArray().Select(e => e.GetString()!).ToHashSet();
        _ambiguousUnits = _units.GetProperty("_extras").GetProperty("ambiguous_units_normalised").EnumerateObject()
            .Where(p => !p.Name.StartsWith('_')).Select(p => p.Name).ToHashSet();
    }

    [GeneratedRegex("^(?<prefix>[^/]+)/(?<component>[a-z_]+)/(?<node>[a-zA-Z0-9_-]+)/(?<object>[a-zA-Z0-9_-]+)/config$")]
    private static partial Regex ConfigTopic();

    [GeneratedRegex("^[a-z_]+\\.[a-z0-9_]+$")]
    private static partial Regex EntityId();

    /// <returns>Every problem found, each naming the topic and key.</returns>
    public List<string> Validate(string topic, string payload, bool retained, int qos, string statusTopic, TimeSpan stateInterval)
    {
        var problems = new List<string>();
        void Fail(string m) => problems.Add($"{topic}: {m}");

        if (!retained) Fail("config not retained");
        if (qos != 1) Fail($"config published with QoS {qos}, expected 1");
        var match = ConfigTopic().Match(topic);
        if (!match.Success) { Fail("topic ids must match [a-zA-Z0-9_-]"); return problems; }
        var component = match.Groups["component"].Value;
        if (!Components.Contains(component)) Fail($"unexpected component {component}");

        using var doc = JsonDocument.Parse(payload);
        var c = doc.RootElement;
        string? Str(JsonElement o, string key) => o.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

        // §6.4: unique_id stable and unique; default_entity_id sent, object_id never.
        var uid = Str(c, "unique_id") ?? Str(c, "uniq_id");
        if (string.IsNullOrEmpty(uid)) Fail("unique_id missing");
        else if (!_uniqueIds.Add(uid)) Fail($"duplicate unique_id {uid}");
        var entityId = Str(c, "default_entity_id") ?? Str(c, "def_ent_id");
        if (entityId is null) Fail("default_entity_id missing");
        else if (!entityId.StartsWith(component + ".", StringComparison.Ordinal) || !EntityId().IsMatch(entityId)) Fail($"bad default_entity_id {entityId}");
        if (c.TryGetProperty("object_id", out _) || c.TryGetProperty("obj_id", out _)) Fail("object_id must never be sent");
        if (string.IsNullOrEmpty(Str(c, "name"))) Fail("name missing");

        // §6.3: device with identifiers, origin always.
        if (!c.TryGetProperty("device", out var device)) Fail("device missing");
        else
        {
            if (!device.TryGetProperty("identifiers", out var ids) || ids.ValueKind != JsonValueKind.Array || ids.GetArrayLength() == 0) Fail("device.identifiers missing");
            else if (ids.EnumerateArray().Any(i => i.GetString() is not { } s || s.Any(ch => ch > 127))) Fail("device identifiers must be ASCII");
            if (string.IsNullOrEmpty(Str(device, "name"))) Fail("device.name missing");
        }
        if (!c.TryGetProperty("origin", out var origin) || string.IsNullOrEmpty(Str(origin, "name"))) Fail("origin.name missing");

        // §6.1: gateway status is an availability topic; list form only.
        if (c.TryGetProperty("availability_topic", out _)) Fail("availability_topic and availability list are exclusive; use the list");
        if (!c.TryGetProperty("availability", out var avail) || avail.ValueKind != JsonValueKind.Array) Fail("availability list missing");
        else
        {
            var topics = avail.EnumerateArray().Select(a => Str(a, "topic")).ToList();
            if (!topics.Contains(statusTopic)) Fail("gateway status topic not among availability topics");
            if (topics.Count > 1 && Str(c, "availability_mode") != "all") Fail("availability_mode must be all with more than one availability topic");
        }

        // §6.8: categories.
        var category = Str(c, "entity_category");
        if (category is not null and not "diagnostic" and not "config") Fail($"unknown entity_category {category}");
        if (category == "config" && component is "sensor" or "binary_sensor") Fail("sensors cannot be in the config category");

        if (c.TryGetProperty("suggested_display_precision", out var prec) && (prec.ValueKind != JsonValueKind.Number || !prec.TryGetInt32(out var p) || p < 0))
            Fail("suggested_display_precision must be an integer >= 0");

        // §6.6: expire_after at least 3 × the publish interval.
        if (c.TryGetProperty("expire_after", out var exp) && exp.GetDouble() < 3 * stateInterval.TotalSeconds)
            Fail($"expire_after {exp.GetDouble()} < 3 x state_interval");

        var deviceClass = Str(c, "device_class");
        var unit = c.TryGetProperty("unit_of_measurement", out var u) ? u.GetString() : null;
        var stateClass = Str(c, "state_class");
        switch (component)
        {
            case "sensor":
                if (string.IsNullOrEmpty(Str(c, "state_topic"))) Fail("state_topic missing");
                if (unit is not null && _ambiguousUnits.Contains(unit)) Fail($"unit {unit} is not canonical");
                if (c.TryGetProperty("last_reset_value_template", out _) && stateClass != "total") Fail("last_reset_value_template needs state_class total");
                if (c.TryGetProperty("options", out _) && (deviceClass != "enum" || unit is not null || stateClass is not null))
                    Fail("options need device_class enum and no unit or state_class");
                if (deviceClass is null)
                {
                    if (stateClass is not null && !GenericStateClasses.Contains(stateClass)) Fail($"unknown state_class {stateClass}");
                    break;
                }
                if (deviceClass.StartsWith('_') || !_units.TryGetProperty(deviceClass, out var rule) || rule.ValueKind != JsonValueKind.Object)
                {
                    Fail($"unknown sensor device_class {deviceClass}");
                    break;
                }
                var allowedUnits = rule.GetProperty("units");
                if (allowedUnits.ValueKind == JsonValueKind.Null)
                {
                    if (unit is not null && deviceClass != "monetary") Fail($"device_class {deviceClass} takes no unit");
                }
                else
                {
                    var list = allowedUnits.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Null ? null : e.GetString()).ToList();
                    if (!list.Contains(unit)) Fail($"unit '{unit ?? "(none)"}' is not valid with device_class {deviceClass} (allowed: {string.Join(", ", list.Select(x => x ?? "(none)"))})");
                }
                var allowedClasses = rule.GetProperty("state_classes").EnumerateArray().Select(e => e.GetString()).ToList();
                if (stateClass is not null && !allowedClasses.Contains(stateClass))
                    Fail($"state_class {stateClass} is impossible with device_class {deviceClass} (allowed: {string.Join(", ", allowedClasses)})");
                if (stateClass is null && allowedClasses.Count > 0 && deviceClass is "energy" or "reactive_energy")
                    Fail("energy sensors need total or total_increasing");
                break;
            case "binary_sensor":
                if (string.IsNullOrEmpty(Str(c, "state_topic"))) Fail("state_topic missing");
                if (deviceClass is not null && !_binaryClasses.Contains(deviceClass)) Fail($"unknown binary_sensor device_class {deviceClass}");
                if (unit is not null || stateClass is not null) Fail("binary sensors take no unit or state_class");
                break;
            case "button":
                if (string.IsNullOrEmpty(Str(c, "command_topic"))) Fail("command_topic missing");
                if (c.TryGetProperty("retain", out var r) && r.GetBoolean()) Fail("command topics must never be retained");
                if (deviceClass is not null && !ButtonClasses.Contains(deviceClass)) Fail($"unknown button device_class {deviceClass}");
                break;
        }
        return problems;
    }
}
