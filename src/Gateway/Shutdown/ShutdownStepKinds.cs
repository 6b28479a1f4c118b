namespace Gateway.Shutdown;

/// <summary>The step groups in the order they run; also the values of <c>shutdown.point_of_no_return</c>.</summary>
public static class ShutdownStepKinds
{
    public const string Vms = "vms";
    public const string Containers = "containers";
    public const string Sync = "sync";
    public const string Unmounts = "unmounts";
    public const string NutFsd = "nut_fsd";
    public const string RemoteHosts = "remote_hosts";
    public const string PowerCycle = "power_cycle";
    public const string Local = "local";

    public static readonly string[] Order = [Vms, Containers, Sync, Unmounts, NutFsd, RemoteHosts, PowerCycle, Local];

    public static int IndexOf(string kind) => Array.IndexOf(Order, kind);
}
