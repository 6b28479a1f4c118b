using System.Text.RegularExpressions;

namespace Gateway.Configuration;

/// <param name="Uri">The libvirt connection (<c>virsh -c</c>); empty = virsh's default. Only local URIs
/// (<c>driver[+unix]:///path</c>), because the privileged helper connects to it as root.</param>
/// <param name="ForceOff">After <c>wait</c>, <c>virsh destroy</c> the VMs that are still running.</param>
public sealed partial record VmStepOptions(bool Enabled, TimeSpan Wait, string Uri = "", bool ForceOff = true) : IFingerprinted
{
    void IFingerprinted.WriteFingerprint(FingerprintWriter w)
    {
        w.Add("enabled", Enabled);
        w.Add("wait", Wait);
        w.Add("uri", Uri);
        w.Add("force_off", ForceOff);
    }

    internal static VmStepOptions Bind(ConfigSection s)
    {
        var uri = s.String("uri", "");
        if (uri.Length > 0 && !LocalUri().IsMatch(uri))
            s.Error("uri", $"'{uri}' is not a local libvirt URI; use one like qemu:///system or test+unix:///default (no host part: the root helper connects to it)");
        return new VmStepOptions(s.Bool("enabled", false), s.Duration("wait", TimeSpan.FromSeconds(30), TimeSpan.Zero, TimeSpan.FromMinutes(30)), uri, s.Bool("force_off", true));
    }

    /// <summary>The same rule as the helper script's: driver[+unix]:///path, nothing that names another host.</summary>
    [GeneratedRegex(@"^[a-z][a-z0-9]*(\+unix)?:///[a-z][a-z0-9/]*$")]
    private static partial Regex LocalUri();
}
