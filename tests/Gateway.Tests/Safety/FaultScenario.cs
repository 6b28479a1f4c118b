namespace Gateway.Tests.Safety;

/// <summary>One row of the fault matrix: a name, the script (<see cref="UpsScript"/>), the rig's settings and what must happen.</summary>
/// <param name="Settings">"" for the defaults, else e.g. "dry run" or policy keys "max_time_on_battery: 0".</param>
public sealed record FaultScenario(string Class, string Name, string Script, string Expected, string Settings = "", bool DryRun = false, double PoweroffSeconds = 0)
{
    /// <summary>The row of docs/safety.md (pipes in the script escaped for the Markdown table).</summary>
    public string Row => $"| {Class} | {Name} | `{Script.Replace("|", "\\|", StringComparison.Ordinal)}` | {(Settings.Length == 0 ? "defaults" : Settings)} | {Expected} |";
}
