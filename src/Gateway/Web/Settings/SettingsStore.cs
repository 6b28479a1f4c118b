using System.Text.Json.Nodes;
using Gateway.Configuration;
using Gateway.Storage;
using Microsoft.Extensions.Logging;
using Gateway.Yaml;

namespace Gateway.Web.Settings;

/// <summary>
/// Reads and writes what the settings pages change: the user's config file is only read; changes go to the
/// <see cref="SettingsOverlay"/> in the data directory (atomically, mode 0600: it may hold passwords). Every change is
/// validated first by the same loader as <c>gateway check-config</c> (file + candidate overlay + environment + --set);
/// a refused change writes nothing. Saves run one at a time.
/// </summary>
public sealed class SettingsStore(GatewayConfig running, ILogger<SettingsStore> log)
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private readonly SemaphoreSlim _writing = new(1, 1);

    /// <summary>The user's own config file, or null when the gateway runs without one.</summary>
    public string? FilePath => running.SourcePath;
    public string OverlayPath => SettingsOverlay.PathIn(running.Gateway.DataDir);
    public string DataDir => running.Gateway.DataDir;
    public string Name => running.Gateway.Name;

    public SettingsSnapshot Read()
    {
        var fileText = FilePath is null || !File.Exists(FilePath) ? "" : File.ReadAllText(FilePath);
        var overlayText = File.Exists(OverlayPath) ? File.ReadAllText(OverlayPath) : null;
        return new SettingsSnapshot(fileText, SettingsEdit.ParseTree(fileText), overlayText, SettingsEdit.ParseTree(overlayText));
    }

    /// <summary>Loads what is saved now (or with <paramref name="overlayText"/> as the overlay), exactly as a start would.</summary>
    public ConfigLoadResult Load(string fileText, string? overlayText) =>
        ConfigLoader.LoadWithOverlay(fileText, FilePath, overlayText ?? "", OverlayPath, ConfigLoader.CurrentEnvironment(), running.Overrides);

    /// <summary>Validates the overlay <paramref name="change"/> makes from the files on disk and, when it passes, writes it.</summary>
    public async Task<SaveOutcome> SaveAsync(Func<SettingsSnapshot, YamlMappingNode> change, CancellationToken ct)
    {
        await _writing.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var snapshot = Read();
            var before = Load(snapshot.FileText, snapshot.OverlayText);
            var overlay = change(snapshot);
            var text = SettingsOverlay.ToYaml(overlay, Header());
            var after = Load(snapshot.FileText, text);
            if (!after.Ok) return new SaveOutcome(Problems(after), null, [], []);
            await AtomicFile.WriteAllTextAsync(OverlayPath, text, ct, OwnerOnly).ConfigureAwait(false);
            var changed = ChangedSections(before.Effective, after.Effective);
            if (changed.Count > 0)
                log.LogInformation("Web settings: saved a change to {Sections} in {Path}", string.Join(", ", changed), OverlayPath);
            var known = before.Warnings.Select(w => w.Message).ToHashSet(StringComparer.Ordinal);
            var warnings = after.Warnings.Where(w => !known.Contains(w.Message)).Select(w => w.ToString())
                .Concat(Overridden(overlay, ConfigLoader.CurrentEnvironment(), running.Overrides)).ToArray();
            return new SaveOutcome([], after.Config, changed, warnings);
        }
        finally
        {
            _writing.Release();
        }
    }

    /// <summary>What the API says about each refused value: its key path and the loader's sentence (with the place when it is in the user's file).</summary>
    public IReadOnlyList<ConfigFieldError> Problems(ConfigLoadResult result) =>
        [.. result.Errors.Select(e => new ConfigFieldError(e.Key,
            e.Source == OverlayPath || e.Source == FilePath && e.Line == 0 || e.Source == "(defaults)" ? e.Message
            : e.Line > 0 ? $"{e.Message} (at {e.Source}:{e.Line}:{e.Column})"
            : $"{e.Message} (set by {e.Source})"))];

    /// <summary>The effective configuration with secrets replaced by markers, or null with the problems when what is saved does not load.</summary>
    public (JsonObject? Config, IReadOnlyList<ConfigFieldError> Problems) Effective()
    {
        var snapshot = Read();
        var result = Load(snapshot.FileText, snapshot.OverlayText);
        if (!result.Ok || result.Effective is null) return (null, Problems(result));
        SettingsEdit.MaskSecrets(result.Effective);
        return (result.Effective, []);
    }

    /// <summary>The saved configuration as one YAML file: the user's file verbatim when nothing was changed from the web, else file and overlay merged.</summary>
    public string Backup(DateTimeOffset now)
    {
        var snapshot = Read();
        if (snapshot.Overlay.Children.Count == 0 && snapshot.FileText.Length > 0) return snapshot.FileText;
        var saved = SettingsEdit.Saved(snapshot.File, snapshot.Overlay);
        return SettingsOverlay.ToYaml(saved, $"Power Gateway configuration of '{Name}', backed up {now:yyyy-MM-dd HH:mm} UTC\n"
            + "(the config file with the web settings merged in). Restore it on the settings page, or use it as /etc/gateway/config.yaml.");
    }

    /// <summary>Parses an uploaded configuration; the problems when it is not one (same checks as the loader's, before any tree is built).</summary>
    public (YamlMappingNode? Tree, IReadOnlyList<ConfigFieldError> Problems) ParseUpload(string text)
    {
        var check = ConfigLoader.LoadText(text, "the uploaded file", new Dictionary<string, string>(), []);
        if (check.Effective is null) return (null, Problems(check));
        try { return (SettingsEdit.ParseTree(text), []); }
        catch (YamlException e) { return (null, [new ConfigFieldError("", $"not valid YAML: {e.Message}")]); }
    }

    /// <summary>Saved keys that the environment or --set override (they win over the web settings), each as a sentence.</summary>
    public static IEnumerable<string> Overridden(YamlMappingNode overlay, IReadOnlyDictionary<string, string> env, IReadOnlyList<string> overrides)
    {
        foreach (var (name, _) in env.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (!name.StartsWith(ConfigLoader.EnvPrefix, StringComparison.Ordinal) || name == ConfigLoader.ConfigEnvVar || !name.Contains("__", StringComparison.Ordinal)) continue;
            var key = name[ConfigLoader.EnvPrefix.Length..].ToLowerInvariant().Replace("__", ".", StringComparison.Ordinal);
            if (Holds(overlay, key))
                yield return $"{key} is also set by the environment variable {name}, which wins over the web settings; remove it there (e.g. systemctl edit gateway) for the saved value to count";
        }
        foreach (var o in overrides)
        {
            var eq = o.IndexOf('=');
            if (eq <= 0) continue;
            var key = o[..eq].Trim();
            if (Holds(overlay, key))
                yield return $"{key} is also set by --set on the gateway's command line, which wins over the web settings; remove it there for the saved value to count";
        }
    }

    private static bool Holds(YamlMappingNode overlay, string keyPath)
    {
        YamlNode? node = overlay;
        foreach (var part in keyPath.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            node = node switch
            {
                YamlMappingNode m => SettingsOverlay.Find(m, part),
                YamlSequenceNode seq when int.TryParse(part, out var i) && i >= 0 && i < seq.Children.Count => seq.Children[i],
                _ => null,
            };
            if (node is null) return false;
        }
        return true;
    }

    private string Header() =>
        $"Settings saved from the gateway's web pages (/settings). They are laid over {FilePath ?? "the defaults (no config file)"}\n"
        + "key by key; the environment (GATEWAY_...) and --set still win. Delete this file to go back to the config file alone.\n"
        + "See docs/settings.md.";

    private static IReadOnlyList<string> ChangedSections(JsonObject? before, JsonObject? after)
    {
        if (after is null) return [];
        var changed = new List<string>();
        foreach (var (key, value) in after)
        {
            var old = before?[key];
            if ((old?.ToJsonString() ?? "null") != (value?.ToJsonString() ?? "null")) changed.Add(key);
        }
        return changed;
    }
}
