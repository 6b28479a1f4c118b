namespace Gateway.Shutdown.Restore;

/// <summary>
/// One outage as persisted in data_dir/outage-state.json: when it began, what it took from the battery, what was
/// shed, shut down and power-cycled, each step's time, and what is still to be woken. It survives the gateway's
/// own restart (and this host's poweroff), so the power restore after the reboot knows what to bring back.
/// </summary>
public sealed record OutageRecord
{
    public required DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset? PowerBackAt { get; init; }
    public DateTimeOffset? EndedAt { get; init; }
    public string? Trigger { get; init; }
    public double? StartCharge { get; init; }
    /// <summary>The UPS's own runtime estimate (s) at the start: the calibration the battery health is measured against.</summary>
    public double? StartRuntime { get; init; }
    public double? LowestCharge { get; init; }
    /// <summary>battery.voltage on line just before the outage, and at its first reading on battery (the sag under load).</summary>
    public double? RestVoltage { get; init; }
    public double? LoadVoltage { get; init; }
    /// <summary>The UPS output power (W) at the first reading on battery.</summary>
    public double? LoadWatts { get; init; }
    /// <summary>Energy taken from the battery (Wh), integrated from the UPS output power while on battery.</summary>
    public double BatteryWattHours { get; init; }
    /// <summary>Seconds on battery while the gateway watched (less than the outage when this host was off).</summary>
    public double SecondsOnBattery { get; init; }
    /// <summary>null, armed, sent or failed.</summary>
    public string? PowerCycle { get; init; }
    public IReadOnlyList<OutageMachine> Machines { get; init; } = [];
    public IReadOnlyList<OutageStep> Steps { get; init; } = [];
    /// <summary>The shedding stages that have fired in this outage (each fires once).</summary>
    public IReadOnlyList<string> ShedStages { get; init; } = [];
    /// <summary>The restore ran to its end (every machine woken, started or given up).</summary>
    public bool RestoreDone { get; init; }

    public OutageRecord WithMachine(OutageMachine m) =>
        this with { Machines = [.. Machines.Where(x => !(x.Name == m.Name && x.Kind == m.Kind)), m] };

    public OutageRecord WithStep(OutageStep s) => this with { Steps = [.. Steps, s] };
}

/// <param name="Kind">host (SSH), container, vm.</param>
/// <param name="Action">shut_down (final sequence) or shed (early, on its own condition).</param>
/// <param name="State">down, woken, started, unverified (woken, no check configured), gave_up, failed.</param>
public sealed record OutageMachine(string Name, string Kind, string Action, DateTimeOffset At, string State = OutageMachine.Down,
    DateTimeOffset? BackAt = null, string? Detail = null)
{
    public const string Down = "down";
    public const string Woken = "woken";
    public const string Started = "started";
    public const string Unverified = "unverified";
    public const string GaveUp = "gave_up";
    public const string Failed = "failed";

    public const string Host = "host";
    public const string Container = "container";
    public const string Vm = "vm";

    public const string ShutDown = "shut_down";
    public const string Shed = "shed";
}

/// <summary>One thing that happened, for the outage timeline: a step, a shed, the power-cycle, a wake-up.</summary>
public sealed record OutageStep(string Name, string Outcome, DateTimeOffset At, double Seconds, string? Detail = null);
