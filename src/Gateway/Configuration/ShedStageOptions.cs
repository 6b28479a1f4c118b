namespace Gateway.Configuration;

/// <summary>
/// One entry of <c>shutdown.shedding</c>: machines shut down early, on the stage's own condition (whichever comes
/// first: time on battery, charge, runtime estimate), long before the final trigger, to stretch the runtime for the
/// machines that matter. Hosts are <c>remote_hosts</c> entries (the same SSH command, verified down).
/// </summary>
public sealed record ShedStageOptions(string Name, TimeSpan? AfterOnBattery, double? ChargeBelow, TimeSpan? RuntimeBelow,
    IReadOnlyList<string> Hosts, IReadOnlyList<string> Containers, IReadOnlyList<string> Vms) : IFingerprinted
{
    void IFingerprinted.WriteFingerprint(FingerprintWriter w)
    {
        w.Add("name", Name);
        w.Add("after_on_battery", AfterOnBattery);
        w.Add("charge_below", ChargeBelow);
        w.Add("runtime_below", RuntimeBelow);
        w.Add("hosts", Hosts);
        w.Add("containers", Containers);
        w.Add("vms", Vms);
    }

    internal static ShedStageOptions Bind(ConfigSection s, IReadOnlySet<string> remoteHosts)
    {
        var o = new ShedStageOptions(
            s.RequiredString("name"),
            s.Has("after_on_battery") ? s.Duration("after_on_battery", TimeSpan.Zero, TimeSpan.Zero, TimeSpan.FromHours(24)) : null,
            s.Has("charge_below") ? s.Double("charge_below", 0, 0, 100) : null,
            s.Has("runtime_below") ? s.Duration("runtime_below", TimeSpan.Zero, TimeSpan.Zero, TimeSpan.FromHours(24)) : null,
            s.Strings("hosts", []),
            s.Strings("containers", []),
            s.Strings("vms", []));
        if (o.AfterOnBattery is null && o.ChargeBelow is null && o.RuntimeBelow is null)
            s.Error("name", $"shedding stage '{o.Name}' has no condition; give it after_on_battery, charge_below or runtime_below");
        if (o.Hosts.Count + o.Containers.Count + o.Vms.Count == 0)
            s.Error("name", $"shedding stage '{o.Name}' sheds nothing; list hosts (remote_hosts names), containers or vms");
        MachineName.Check(s, "containers", "container", o.Containers);
        MachineName.Check(s, "vms", "VM", o.Vms);
        foreach (var h in o.Hosts.Where(h => !remoteHosts.Contains(h)))
            s.Error("hosts", $"'{h}' is not a shutdown.remote_hosts name; a shed host uses its remote_hosts entry (add one named '{h}')");
        return o;
    }
}
