namespace Gateway.Configuration;

/// <summary><c>shutdown:</c> — the ordered steps run when the policy fires. Every step has a dry-run form.</summary>
public sealed record ShutdownOptions : IFingerprinted
{
    void IFingerprinted.WriteFingerprint(FingerprintWriter w)
    {
        w.Add("dry_run", DryRun);
        w.Add("privileges", Privileges);
        w.Add("vms", Vms);
        w.Add("containers", Containers);
        w.Add("sync", Sync);
        w.Add("unmounts", Unmounts);
        w.Add("nut_fsd", NutFsd);
        w.Add("remote_hosts", RemoteHosts);
        w.Add("local", Local);
        w.Add("power_cycle", PowerCycle);
        w.Add("restore", Restore);
        w.Add("shedding", Shedding);
        w.Add("point_of_no_return", PointOfNoReturn);
    }

    public bool DryRun { get; init; }
    /// <summary>How VMs, containers and unmounts get root: direct commands, the gateway-shutdown@ helper unit, or auto (the helper when running as a non-root systemd service).</summary>
    public string Privileges { get; init; } = "auto";
    public VmStepOptions Vms { get; init; } = new(false, TimeSpan.FromSeconds(30));
    public ContainerStepOptions Containers { get; init; } = new(false, TimeSpan.FromSeconds(30), []);
    public bool Sync { get; init; } = true;
    public IReadOnlyList<UnmountOptions> Unmounts { get; init; } = [];
    public NutFsdStepOptions NutFsd { get; init; } = new(true, TimeSpan.FromSeconds(15));
    public IReadOnlyList<RemoteHostOptions> RemoteHosts { get; init; } = [];
    public LocalStepOptions Local { get; init; } = new(true, "systemctl poweroff", TimeSpan.FromSeconds(5));
    public PowerCycleOptions PowerCycle { get; init; } = PowerCycleOptions.Default;
    public RestoreOptions Restore { get; init; } = RestoreOptions.Default;
    public IReadOnlyList<ShedStageOptions> Shedding { get; init; } = [];
    /// <summary>
    /// The first step group that cannot be taken back (vms, containers, sync, unmounts, nut_fsd, remote_hosts, local):
    /// once it starts, power returning no longer cancels the shutdown.
    /// </summary>
    public string PointOfNoReturn { get; init; } = "nut_fsd";

    internal static ShutdownOptions Bind(ConfigSection s)
    {
        var vms = s.Section("vms");
        var containers = s.Section("containers");
        var nut = s.Section("nut_fsd");
        var local = s.Section("local");
        var hosts = s.Sections("remote_hosts").Select(RemoteHostOptions.Bind).ToList();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var h in hosts)
            if (h.Name.Length > 0 && !names.Add(h.Name)) s.Error("remote_hosts", $"remote host '{h.Name}' is defined twice");
        var containerNames = containers.Strings("names", []);
        MachineName.Check(containers, "names", "container", containerNames);
        return new ShutdownOptions
        {
            DryRun = s.Bool("dry_run", false),
            Privileges = s.Choice("privileges", "auto", "auto", "direct", "helper"),
            PointOfNoReturn = s.Choice("point_of_no_return", "nut_fsd", "vms", "containers", "sync", "unmounts", "nut_fsd", "remote_hosts", "local"),
            Vms = VmStepOptions.Bind(vms),
            Containers = new ContainerStepOptions(
                containers.Bool("enabled", false),
                containers.Duration("timeout", TimeSpan.FromSeconds(30), TimeSpan.Zero, TimeSpan.FromMinutes(30)),
                containerNames),
            Sync = s.Bool("sync", true),
            Unmounts = s.Sections("unmounts").Select(UnmountOptions.Bind).ToList(),
            NutFsd = new NutFsdStepOptions(nut.Bool("enabled", true), nut.Duration("hostsync", TimeSpan.FromSeconds(15), TimeSpan.Zero, TimeSpan.FromMinutes(10))),
            RemoteHosts = hosts,
            Local = new LocalStepOptions(
                local.Bool("enabled", true),
                local.String("command", "systemctl poweroff"),
                local.Duration("final_delay", TimeSpan.FromSeconds(5), TimeSpan.Zero, TimeSpan.FromMinutes(10))),
            PowerCycle = PowerCycleOptions.Bind(s.Section("power_cycle")),
            Restore = RestoreOptions.Bind(s.Section("restore")),
            Shedding = s.Sections("shedding").Select(x => ShedStageOptions.Bind(x, names)).ToList(),
        };
    }
}


public sealed record ContainerStepOptions(bool Enabled, TimeSpan Timeout, IReadOnlyList<string> Names) : IFingerprinted
{
    void IFingerprinted.WriteFingerprint(FingerprintWriter w)
    {
        w.Add("enabled", Enabled);
        w.Add("timeout", Timeout);
        w.Add("names", Names);
    }
}

public sealed record NutFsdStepOptions(bool Enabled, TimeSpan Hostsync) : IFingerprinted
{
    void IFingerprinted.WriteFingerprint(FingerprintWriter w)
    {
        w.Add("enabled", Enabled);
        w.Add("hostsync", Hostsync);
    }
}

public sealed record LocalStepOptions(bool Enabled, string Command, TimeSpan FinalDelay) : IFingerprinted
{
    void IFingerprinted.WriteFingerprint(FingerprintWriter w)
    {
        w.Add("enabled", Enabled);
        w.Add("command", Command);
        w.Add("final_delay", FinalDelay);
    }
}
