using System.Collections;
using System.Net;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Gateway.Configuration;
using Gateway.LiveApply;
using Gateway.Tests.Configuration;

namespace Gateway.Tests.LiveApply;

/// <summary>
/// The hand-written fingerprint (<see cref="IFingerprinted"/>) sees every setting: reflection walks every options record
/// reachable from <see cref="GatewayConfig"/> (sections and every device type), changes one property at a time (at any
/// depth, in lists too) and checks that <see cref="ConfigFingerprint.Same"/> says "changed" and
/// <see cref="ConfigFingerprint.ChangedKeys"/> names the top-level key, exactly as the JSON fingerprint it replaced did
/// (System.Text.Json by reflection, snake_case, is the reference here). A property left out of a WriteFingerprint fails it.
/// </summary>
public sealed class FingerprintCoverageTests
{
    private static readonly NullabilityInfoContext Nullability = new();

    /// <summary>The old fingerprint: every public property (computed ones too) as JSON, IPAddress as its text.</summary>
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        TypeInfoResolver = new DefaultJsonTypeInfoResolver
        {
            Modifiers =
            {
                ti =>
                {
                    for (var i = 0; i < ti.Properties.Count; i++)
                    {
                        var p = ti.Properties[i];
                        if (p.PropertyType != typeof(IPAddress) || p.Get is not { } get) continue;
                        var text = ti.CreateJsonPropertyInfo(typeof(string), p.Name + "_text");
                        text.Get = o => get(o)?.ToString();
                        ti.Properties[i] = text;
                    }
                },
            },
        },
    };

    private readonly Dictionary<Type, object> _samples = [];
    private readonly HashSet<(Type, string)> _covered = [];

    [Fact]
    public void Changing_any_one_setting_of_any_section_or_device_changes_the_fingerprint_and_names_its_key()
    {
        var config = ConfigFingerprintTests.Bind(ConfigExampleTests.EveryShape);
        object[] tops = [config.Gateway, config.Mqtt, config.NutServer, config.Web, config.History, config.Policy, config.Shutdown,
            config.Gpio, config.Notifications, config.Logging, config.Battery, .. config.Devices];
        foreach (var top in tops) CollectSamples(top);

        var failures = new List<string>();
        var checkedCount = 0;
        var comparedWithJson = 0;
        // Also with every null record and every empty list of records filled in, so their items' settings are changed too.
        foreach (var top in tops.Concat(tops.Select(Filled)))
        {
            var type = top.GetType();
            var clone = Clone(top);
            if (!ConfigFingerprint.Same(top, clone) || ConfigFingerprint.ChangedKeys(top, clone).Count != 0)
                failures.Add($"{type.Name}: an unchanged clone is not the same");

            foreach (var (path, topKey, changed) in Mutations(top))
            {
                checkedCount++;
                var where = $"{type.Name}.{path}";
                if (ConfigFingerprint.Same(top, changed)) { failures.Add($"{where}: change not seen by Same"); continue; }
                var keys = ConfigFingerprint.ChangedKeys(top, changed);
                // Devices are compared whole (ConfigDiff asks only Same of them); sections key by key, as the JSON fingerprint did.
                if (!keys.Contains(topKey)) failures.Add($"{where}: ChangedKeys gave [{string.Join(", ", keys)}], not {topKey}");
                if (top is DeviceOptions || OldKeys(top, changed) is not { } old) continue;
                comparedWithJson++;
                if (!old.SequenceEqual(keys))
                    failures.Add($"{where}: ChangedKeys gave [{string.Join(", ", keys)}], the JSON fingerprint [{string.Join(", ", old)}]");
            }
        }

        var missed = ReachableRecordTypes(tops.Select(t => t.GetType()))
            .SelectMany(t => SettableProperties(t).Select(p => (t, p.Name)))
            .Where(tp => !_covered.Contains(tp))
            .Select(tp => $"{tp.t.Name}.{tp.Name}")
            .ToList();
        Assert.True(missed.Count == 0, "properties never changed by the test (give the shape config a value for them): " + string.Join(", ", missed));
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.True(checkedCount > 500, $"only {checkedCount} changes checked");
        Assert.True(comparedWithJson > 350, $"only {comparedWithJson} changes compared with the JSON fingerprint");
    }

    [Fact]
    public void Every_options_record_implements_the_fingerprint_and_keeps_its_settings_in_init_properties()
    {
        var config = ConfigFingerprintTests.Bind(ConfigExampleTests.EveryShape);
        var types = ReachableRecordTypes([typeof(GatewayConfig), .. config.Devices.Select(d => d.GetType())])
            .Where(t => t != typeof(GatewayConfig) && t.Assembly == typeof(GatewayConfig).Assembly);
        foreach (var t in types)
        {
            Assert.True(typeof(IFingerprinted).IsAssignableFrom(t), $"{t.Name} does not implement IFingerprinted");
            // A get-only auto-property would be a setting this test cannot change.
            var getOnly = t.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Where(p => p.SetMethod is null && t.GetField($"<{p.Name}>k__BackingField", BindingFlags.NonPublic | BindingFlags.Instance) is not null);
            Assert.Empty(getOnly);
        }
    }

    /// <summary>A clone of <paramref name="record"/> with a sample in every null record property and every empty list of records.</summary>
    private object Filled(object record)
    {
        var type = record.GetType();
        var filled = Clone(record);
        foreach (var p in SettableProperties(type))
        {
            var value = p.GetValue(record);
            var t = Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType;
            if (IsRecord(t)) p.SetValue(filled, Filled(value ?? Sample(t)));
            else if (ElementType(t) is { } e && IsRecord(e))
            {
                var items = value is null ? [] : ((IEnumerable)value).Cast<object?>().ToList();
                p.SetValue(filled, MakeList(t, e, items.Count == 0 ? [Filled(Sample(e))] : items.Select(i => i is null ? null : Filled(i)).ToList()));
            }
        }
        return filled;
    }

    /// <summary>Every way to change one property of <paramref name="record"/> (and, recursively, of its records and list items).</summary>
    private IEnumerable<(string Path, string TopKey, object Changed)> Mutations(object record)
    {
        var type = record.GetType();
        foreach (var p in SettableProperties(type))
        {
            var key = JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Name);
            var value = p.GetValue(record);
            foreach (var (sub, newValue) in ValueMutations(p.PropertyType, value, IsNullable(p)))
            {
                _covered.Add((type, p.Name));
                var changed = Clone(record);
                p.SetValue(changed, newValue);
                yield return (sub.Length == 0 ? p.Name : $"{p.Name}{sub}", key, changed);
            }
        }
    }

    private IEnumerable<(string Sub, object? Value)> ValueMutations(Type type, object? value, bool nullable)
    {
        if (nullable && value is not null) yield return (" = null", null);
        var underlying = Nullable.GetUnderlyingType(type);
        if (underlying is not null && value is null) { yield return ("", Sample(underlying)); yield break; }
        type = underlying ?? type;

        if (IsRecord(type))
        {
            if (value is null) { yield return ("", Sample(type)); yield break; }
            foreach (var (path, _, changed) in Mutations(value)) yield return ("." + path, changed);
            yield break;
        }
        if (ElementType(type) is { } element && type != typeof(string))
        {
            var items = value is null ? [] : ((IEnumerable)value).Cast<object?>().ToList();
            yield return ("[+1]", MakeList(type, element, [.. items, Sample(element)]));
            if (items.Count > 0) yield return ("[-1]", MakeList(type, element, items.Take(items.Count - 1).ToList()));
            for (var i = 0; i < items.Count; i++)
                foreach (var (sub, v) in ValueMutations(element, items[i], false))
                {
                    var copy = items.ToList();
                    copy[i] = v;
                    yield return ($"[{i}]{sub}", MakeList(type, element, copy));
                }
            if (items.Count > 1) yield return ("[reversed]", MakeList(type, element, Enumerable.Reverse(items).ToList()));
            yield break;
        }
        yield return ("", Different(type, value));
    }

    private static object Different(Type type, object? value) => value switch
    {
        null => Sample(type, null),
        string s => s + "x",
        bool b => !b,
        int i => i + 1,
        long l => l + 1,
        ushort u => (ushort)(u + 1),
        byte b => (byte)(b + 1),
        double d => d + 1.5,
        TimeSpan t => t + TimeSpan.FromSeconds(1),
        DateOnly d => d.AddDays(1),
        TimeOnly t => t.AddMinutes(1),
        IPAddress a => a.Equals(IPAddress.Parse("10.1.2.3")) ? IPAddress.Parse("10.1.2.4") : IPAddress.Parse("10.1.2.3"),
        Enum e => Enum.GetValues(type).Cast<object>().First(v => !v.Equals(e)),
        _ => throw new InvalidOperationException($"no different value for {type.Name}: teach this test the type"),
    };

    private object Sample(Type type) => _samples.TryGetValue(type, out var s) ? s : Sample(type, this);

    private static object Sample(Type type, FingerprintCoverageTests? owner)
    {
        if (type == typeof(string)) return "s";
        if (type == typeof(bool)) return true;
        if (type == typeof(int)) return 7;
        if (type == typeof(long)) return 7L;
        if (type == typeof(ushort)) return (ushort)7;
        if (type == typeof(byte)) return (byte)7;
        if (type == typeof(double)) return 7.5;
        if (type == typeof(TimeSpan)) return TimeSpan.FromSeconds(7);
        if (type == typeof(DateOnly)) return new DateOnly(2020, 1, 1);
        if (type == typeof(TimeOnly)) return new TimeOnly(7, 0);
        if (type == typeof(IPAddress)) return IPAddress.Parse("10.0.0.7");
        if (type == typeof(byte[])) return new byte[] { 1, 2, 3, 4, 5, 6 };
        if (type.IsEnum) return Enum.GetValues(type).GetValue(0)!;
        if (Nullable.GetUnderlyingType(type) is { } u) return Sample(u, owner);
        if (ElementType(type) is { } element) return MakeList(type, element, []);
        if (owner is not null && IsRecord(type))
        {
            var ctor = type.GetConstructors().Where(c => !c.GetParameters().Any(p => p.ParameterType == type)).MaxBy(c => c.GetParameters().Length)!;
            var record = ctor.Invoke(ctor.GetParameters().Select(p => owner.Sample(p.ParameterType)).ToArray());
            foreach (var p in SettableProperties(type).Where(p => p.GetValue(record) is null && !IsNullable(p)))
                p.SetValue(record, owner.Sample(p.PropertyType));
            return record;
        }
        throw new InvalidOperationException($"no sample value for {type.Name}: teach this test the type");
    }

    private void CollectSamples(object? value)
    {
        if (value is null) return;
        var type = value.GetType();
        if (IsRecord(type))
        {
            _samples.TryAdd(type, value);
            foreach (var p in SettableProperties(type)) CollectSamples(p.GetValue(value));
        }
        else if (value is IEnumerable items and not string)
            foreach (var item in items) CollectSamples(item);
    }

    private static IReadOnlyList<string>? OldKeys(object before, object after)
    {
        try
        {
            using var a = JsonDocument.Parse(JsonSerializer.Serialize(before, before.GetType(), Json));
            using var b = JsonDocument.Parse(JsonSerializer.Serialize(after, after.GetType(), Json));
            return a.RootElement.EnumerateObject()
                .Where(p => !b.RootElement.TryGetProperty(p.Name, out var o) || o.GetRawText() != p.Value.GetRawText())
                .Select(p => p.Name).ToList();
        }
        catch (Exception e) when (e is NotSupportedException or InvalidOperationException or ArgumentException or NullReferenceException or TargetInvocationException)
        {
            return null; // a value the old JSON fingerprint could not even write (e.g. a null MAC): nothing to compare with
        }
    }

    private static IEnumerable<Type> ReachableRecordTypes(IEnumerable<Type> roots)
    {
        var seen = new HashSet<Type>();
        var queue = new Queue<Type>(roots);
        while (queue.TryDequeue(out var t))
        {
            t = Nullable.GetUnderlyingType(t) ?? t;
            if (ElementType(t) is { } e && t != typeof(string)) { queue.Enqueue(e); continue; }
            if (!IsRecord(t) || !seen.Add(t)) continue;
            foreach (var p in t.GetProperties(BindingFlags.Public | BindingFlags.Instance)) queue.Enqueue(p.PropertyType);
        }
        return seen;
    }

    private static IEnumerable<PropertyInfo> SettableProperties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is { IsPublic: true } && p.GetIndexParameters().Length == 0);

    private static bool IsRecord(Type type) => type.GetMethod("<Clone>$") is not null;

    private static bool IsNullable(PropertyInfo p) =>
        Nullable.GetUnderlyingType(p.PropertyType) is not null || Nullability.Create(p).WriteState == NullabilityState.Nullable;

    private static Type? ElementType(Type type) =>
        type.IsArray ? type.GetElementType()
        : type.IsGenericType && type.GetGenericTypeDefinition() is var d && (d == typeof(IReadOnlyList<>) || d == typeof(List<>) || d == typeof(IList<>)) ? type.GetGenericArguments()[0]
        : null;

    private static object MakeList(Type listType, Type element, IList<object?> items)
    {
        var array = Array.CreateInstance(element, items.Count);
        for (var i = 0; i < items.Count; i++) array.SetValue(items[i], i);
        if (listType.IsArray) return array;
        var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(element))!;
        foreach (var item in array) list.Add(item);
        return list;
    }

    private static object Clone(object record) => record.GetType().GetMethod("<Clone>$")!.Invoke(record, null)!;
}
