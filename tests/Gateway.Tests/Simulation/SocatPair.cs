using System.Diagnostics;

namespace Gateway.Tests.Simulation;

/// <summary>
/// Two linked ptys made by socat (<c>pty,raw,echo=0,link=…</c>): a simulator opens <see cref="SimulatorLink"/>,
/// a driver <see cref="DeviceLink"/>. <see cref="Unplug"/> kills socat (links disappear, both sides see a hang-up).
/// </summary>
public sealed class SocatPair : IDisposable
{
    private Process? _socat;

    public SocatPair(string dir)
    {
        SimulatorLink = Path.Combine(dir, "sim");
        DeviceLink = Path.Combine(dir, "dev");
    }

    public string SimulatorLink { get; }
    public string DeviceLink { get; }

    public async Task PlugAsync()
    {
        var psi = new ProcessStartInfo("socat")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add($"pty,raw,echo=0,link={SimulatorLink}");
        psi.ArgumentList.Add($"pty,raw,echo=0,link={DeviceLink}");
        _socat = Process.Start(psi)!;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!(File.Exists(SimulatorLink) && File.Exists(DeviceLink)))
        {
            if (_socat.HasExited) throw new InvalidOperationException($"socat exited: {await _socat.StandardError.ReadToEndAsync()}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException("socat did not create its links");
            await Task.Delay(20);
        }
    }

    public async Task UnplugAsync()
    {
        if (_socat is null) return;
        _socat.Kill(entireProcessTree: true);
        await _socat.WaitForExitAsync();
        _socat.Dispose();
        _socat = null;
        // socat removes its links on a clean exit only; make sure they are gone like a real unplug.
        File.Delete(SimulatorLink);
        File.Delete(DeviceLink);
    }

    public string? DeviceTarget => new FileInfo(DeviceLink).ResolveLinkTarget(true)?.FullName;

    public void Dispose()
    {
        try { _socat?.Kill(entireProcessTree: true); _socat?.WaitForExit(5000); } catch (InvalidOperationException) { }
        _socat?.Dispose();
    }
}
