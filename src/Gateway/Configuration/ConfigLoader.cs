using Gateway.Yaml;

namespace Gateway.Configuration;

/// <summary>
/// Finds, reads and validates the YAML configuration. Priority: command line (<c>--set key=value</c>) over
/// environment (<c>GATEWAY_SECTION__KEY</c>) over the web settings (<see cref="SettingsOverlay"/>) over the file over defaults. Every problem is reported at once
/// with file, line, key and reason.
/// </summary>
/// <remarks>
/// The YAML is read into the gateway's own node tree (<see cref="YamlReader"/>) and bound by hand (<see cref="ConfigSection"/>): no reflection, so
/// it is trim/AOT-safe, and unlike a deserializer it keeps going after the first error and knows every line.
/// </remarks>
public static class ConfigLoader
{
    public const string EnvPrefix = "GATEWAY_";
    public const string ConfigEnvVar = "GATEWAY_CONFIG";

    /// <summary>Search order when no file is named on the command line.</summary>
    public static IReadOnlyList<string> SearchPath(IReadOnlyDictionary<string, string> env)
    {
        var list = new List<string>();
        if (env.TryGetValue(ConfigEnvVar, out var fromEnv) && !string.IsNullOrWhiteSpace(fromEnv)) list.Add(fromEnv);
        list.Add("config.yaml");
        list.Add("config.yml");
        var home = env.TryGetValue("HOME", out var h) && h.Length > 0 ? h : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (!string.IsNullOrEmpty(home)) list.Add(Path.Combine(home, ".config", "gateway", "config.yaml"));
        list.Add("/etc/gateway/config.yaml");
        return list;
    }

    /// <summary>Loads with the process environment.</summary>
    public static ConfigLoadResult Load(string? explicitPath, IReadOnlyList<string>? overrides = null) =>
        Load(explicitPath, CurrentEnvironment(), overrides ?? []);

    public static ConfigLoadResult Load(string? explicitPath, IReadOnlyDictionary<string, string> env, IReadOnlyList<string> overrides)
    {
        string? path = null;
        var searched = new List<string>();
        if (explicitPath is not null)
        {
            searched.Add(explicitPath);
            if (!File.Exists(explicitPath))
                return Fail(explicitPath, searched, Directory.Exists(explicitPath) ? "is a directory, not a config file" : "file not found");
            path = explicitPath;
        }
        else if (env.TryGetValue(ConfigEnvVar, out var named) && !string.IsNullOrWhiteSpace(named))
        {
            // $GATEWAY_CONFIG names a file on purpose: if it is missing, say so rather than fall back.
            searched.Add(named);
            if (!File.Exists(named)) return Fail(named, searched, $"file not found (named by ${ConfigEnvVar})");
            path = named;
        }
        else
        {
            foreach (var candidate in SearchPath(env))
            {
                searched.Add(candidate);
                if (File.Exists(candidate)) { path = candidate; break; }
            }
        }

        string text;
        try
        {
            text = path is null ? "" : File.ReadAllText(path);
        }
        catch (UnauthorizedAccessException e)
        {
            // Typically a root-owned 0600 file: the packaged service (user gateway) is locked out of its own configuration.
            return Fail(path!, searched, $"cannot be read by user {Environment.UserName}: {e.Message} Make it readable by the user the gateway runs as; " +
                                         $"as the package sets it up: chown root:{SecretFileCheck.ServiceUser} {path} && chmod 640 {path}");
        }
        catch (IOException e)
        {
            return Fail(path!, searched, $"cannot be read: {e.Message}");
        }
        return LoadText(text, path, env, overrides, searched, readOverlay: true);
    }

    /// <summary>
    /// Validates the config file <paramref name="text"/> with <paramref name="overlayText"/> as its settings overlay
    /// instead of the one on disk: what the gateway would load if the overlay were saved (the settings API's check).
    /// </summary>
    public static ConfigLoadResult LoadWithOverlay(string text, string? path, string overlayText, string overlayPath,
        IReadOnlyDictionary<string, string> env, IReadOnlyList<string> overrides) =>
        LoadText(text, path, env, overrides, null, readOverlay: true, overlayText, overlayPath);

    /// <summary>Validates YAML text (tests and fuzzing use this directly).</summary>
    public static ConfigLoadResult LoadText(string text, string? path, IReadOnlyDictionary<string, string> env, IReadOnlyList<string> overrides, IReadOnlyList<string>? searched = null)
        => LoadText(text, path, env, overrides, searched, readOverlay: false);

    private static ConfigLoadResult LoadText(string text, string? path, IReadOnlyDictionary<string, string> env, IReadOnlyList<string> overrides,
        IReadOnlyList<string>? searched, bool readOverlay, string? overlayText = null, string? overlayPath = null)
    {
        var source = path ?? "(defaults)";
        var ctx = new ConfigContext(source);
        var root = TryParse(text, source, ctx);
        if (root is null || ctx.HasErrors) return new ConfigLoadResult(null, ctx.Problems, path, searched ?? []);

        // The file's own secrets, before the overlay is laid over it: the permission warning is about this file.
        var fileSecret = path is null ? null : FindSecret(root, new HashSet<YamlNode>(ReferenceEqualityComparer.Instance));
        string? settingsPath = null;
        if (readOverlay)
        {
            overlayPath ??= SettingsOverlay.PathIn(SettingsOverlay.DataDirOf(root, env, overrides));
            if (overlayText is null)
            {
                try { overlayText = File.Exists(overlayPath) ? File.ReadAllText(overlayPath) : null; }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    ctx.AddRaw(new ConfigError(overlayPath, 0, 0, "", $"the web settings cannot be read: {e.Message}; fix its permissions or delete it"));
                    return new ConfigLoadResult(null, ctx.Problems, path, searched ?? []);
                }
            }
            if (overlayText is not null)
            {
                var overlay = TryParse(overlayText, overlayPath, ctx);
                if (overlay is null || ctx.HasErrors) return new ConfigLoadResult(null, ctx.Problems, path, searched ?? []);
                ctx.SetFile(overlay, overlayPath);
                if (SettingsOverlay.Find(overlay, "gateway") is YamlMappingNode g && SettingsOverlay.Find(g, "data_dir") is { } dataDir)
                    ctx.Error(dataDir, "gateway.data_dir", "cannot be changed in the web settings (they are kept in the data directory); change it in the config file");
                SettingsOverlay.Merge(root, overlay);
                if (overlay.Children.Count > 0) settingsPath = overlayPath;
            }
        }

        foreach (var (name, value) in env.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (!name.StartsWith(EnvPrefix, StringComparison.Ordinal) || name == ConfigEnvVar || !name.Contains("__", StringComparison.Ordinal)) continue;
            var keyPath = name[EnvPrefix.Length..].ToLowerInvariant().Replace("__", ".");
            ApplyOverride(root, keyPath, value, $"environment variable {name}", ctx);
        }
        foreach (var o in overrides)
        {
            var eq = o.IndexOf('=');
            if (eq <= 0)
            {
                ctx.AddRaw(new ConfigError($"--set {o}", 0, 0, "", "expected key=value, e.g. --set mqtt.host=192.168.1.10"));
                continue;
            }
            ApplyOverride(root, o[..eq].Trim(), o[(eq + 1)..], $"--set {o[..eq].Trim()}", ctx);
        }

        var section = ConfigSection.Root(ctx, root);
        var config = GatewayConfig.Bind(section) with { SourcePath = path, SettingsPath = settingsPath, Overrides = overrides };
        ctx.ReportUnknownKeys();
        if (path is not null && fileSecret is not null && SecretFileCheck.Problem(path, "it holds a password or token") is { } problem)
            ctx.Warning(fileSecret, "", problem);
        var ordered = ctx.Problems.OrderBy(p => p.Line == 0 ? int.MaxValue : p.Line).ThenBy(p => p.Column).ToArray();
        return new ConfigLoadResult(ctx.HasErrors ? null : config, ordered, path, searched ?? []) { Effective = ctx.Effective };
    }

    /// <summary>The file's tree, or null (with the problem recorded) when it is not valid YAML.</summary>
    private static YamlMappingNode? TryParse(string text, string source, ConfigContext ctx)
    {
        try
        {
            return Parse(text, ctx, source);
        }
        catch (YamlTooDeepException e)
        {
            ctx.AddRaw(new ConfigError(source, e.Start.Line, e.Start.Column, "", e.Message));
        }
        catch (YamlException e)
        {
            ctx.AddRaw(new ConfigError(source, e.Start.Line, e.Start.Column, "", $"not valid YAML: {e.Message}"));
        }
        return null;
    }

    /// <summary>Bigger or deeper than any real config: refused before building a tree (no stack overflow, no memory blow-up).</summary>
    public const int MaxFileLength = 1 << 20;
    public const int MaxDepth = 32;

    private static YamlMappingNode Parse(string text, ConfigContext ctx, string source)
    {
        if (text.Length > MaxFileLength)
        {
            ctx.AddRaw(new ConfigError(source, 0, 0, "", $"the file is larger than {MaxFileLength / 1024} KiB; this is not a gateway config"));
            return new YamlMappingNode();
        }
        var documents = YamlReader.ReadDocuments(text, MaxDepth);
        if (documents.Count == 0) return new YamlMappingNode();
        if (documents.Count > 1)
            ctx.AddRaw(new ConfigError(source, documents[1].Start.Line, documents[1].Start.Column, "",
                "the file holds more than one YAML document ('---'); keep one"));
        var rootNode = documents[0];
        if (rootNode is YamlMappingNode m) return m;
        if (ConfigSection.IsNull(rootNode)) return new YamlMappingNode();
        ctx.AddRaw(new ConfigError(source, rootNode.Start.Line, rootNode.Start.Column, "", "the top level must be sections such as 'gateway:', 'devices:', 'mqtt:'"));
        return new YamlMappingNode();
    }

    private static void ApplyOverride(YamlMappingNode root, string keyPath, string value, string origin, ConfigContext ctx)
    {
        var parts = keyPath.Split('.', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0)
        {
            ctx.AddRaw(new ConfigError(origin, 0, 0, keyPath, "names no key"));
            return;
        }
        YamlNode current = root;
        for (var i = 0; i < parts.Length; i++)
        {
            var last = i == parts.Length - 1;
            var part = parts[i];
            if (current is YamlMappingNode map)
            {
                var key = new YamlScalarNode(part);
                if (last)
                {
                    var scalar = new YamlScalarNode(value) { Style = ScalarStyle.Plain };
                    ctx.SetOrigin(scalar, origin);
                    map.Children[key] = scalar;
                    // the key node itself: unknown-key errors point at the override, not a file line
                    foreach (var k in map.Children.Keys) if (k.Equals(key)) ctx.SetOrigin(k, origin);
                    return;
                }
                if (!map.Children.TryGetValue(key, out var next) || ConfigSection.IsNull(next))
                {
                    next = char.IsAsciiDigit(parts[i + 1][0]) ? new YamlSequenceNode() : new YamlMappingNode();
                    map.Children[key] = next;
                    foreach (var k in map.Children.Keys) if (k.Equals(key)) ctx.SetOrigin(k, origin);
                    ctx.SetOrigin(next, origin);
                }
                current = next;
            }
            else if (current is YamlSequenceNode seq && int.TryParse(part, out var index) && index >= 0 && index <= seq.Children.Count)
            {
                if (index == seq.Children.Count)
                {
                    var fresh = new YamlMappingNode();
                    ctx.SetOrigin(fresh, origin);
                    seq.Children.Add(fresh);
                }
                if (last)
                {
                    ctx.AddRaw(new ConfigError(origin, 0, 0, keyPath, "cannot replace a whole list item; name a key inside it"));
                    return;
                }
                current = seq.Children[index];
            }
            else
            {
                ctx.AddRaw(new ConfigError(origin, 0, 0, keyPath, $"'{string.Join('.', parts[..i])}' is not a section that can hold '{part}'"));
                return;
            }
        }
    }

    /// <summary>Keys whose values are secrets: warned about in world-readable files, never shown by the settings API.</summary>
    public static readonly IReadOnlySet<string> SecretKeys = new HashSet<string>(StringComparer.Ordinal) { "password", "api_token", "token", "webhook_url" };

    private static YamlNode? FindSecret(YamlNode node, HashSet<YamlNode> visited)
    {
        // YAML aliases can make the tree a graph, even a cycle (&a [*a]): visit each node once.
        if (!visited.Add(node)) return null;
        switch (node)
        {
            case YamlMappingNode m:
                foreach (var (k, v) in m.Children)
                {
                    if (k is YamlScalarNode ks && ks.Value is not null && SecretKeys.Contains(ks.Value) && v is YamlScalarNode vs && !string.IsNullOrEmpty(vs.Value) && !ConfigSection.IsNull(vs))
                        return ks;
                    if (FindSecret(v, visited) is { } found) return found;
                }
                return null;
            case YamlSequenceNode s:
                foreach (var c in s.Children)
                    if (FindSecret(c, visited) is { } found) return found;
                return null;
            default:
                return null;
        }
    }

    private static ConfigLoadResult Fail(string path, IReadOnlyList<string> searched, string message) =>
        new(null, [new ConfigError(path, 0, 0, "", message)], path, searched);

    public static IReadOnlyDictionary<string, string> CurrentEnvironment()
    {
        var d = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry e in Environment.GetEnvironmentVariables())
            if (e.Key is string k && e.Value is string v) d[k] = v;
        return d;
    }
}
