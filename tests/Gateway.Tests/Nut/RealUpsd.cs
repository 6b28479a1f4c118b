using System.Globalization;

namespace Gateway.Tests.Nut;

/// <summary>
/// A real Debian upsd + dummy-ups driver in temp dirs on a free loopback port (docs/reference/nut.md §5). UPS "dummy";
/// users admin/adminpw (SET, FSD, all instcmds) and monuser/secret (upsmon secondary).
/// </summary>
internal sealed class RealUpsd : IAsyncDisposable
{
    public const string UpsName = "dummy";
    public const string Upsdrvctl = "/usr/sbin/upsdrvctl";
    public const string UpsdBinary = "/lib/nut/upsd";

    private RealUpsd(string dir, int port)
    {
        Dir = dir;
        Port = port;
    }

    public string Dir { get; }
    public int Port { get; }
    public string Target => $"{UpsName}@127.0.0.1:{Port}";

    public static bool Installed => File.Exists(UpsdBinary) && File.Exists(Upsdrvctl) && File.Exists("/lib/nut/dummy-ups");

    public IReadOnlyDictionary<string, string> Env => new Dictionary<string, string>
    {
        ["NUT_CONFPATH"] = Path.Combine(Dir, "etc"),
        ["NUT_STATEPATH"] = Path.Combine(Dir, "state"),
    };

    public static string DefaultData => """
        ups.status: OL CHRG
        battery.charge: 100
        battery.runtime: 1800
        input.voltage: 230.5
        ups.load: 23
        ups.mfr: Dummy
        ups.model: Test UPS
        """;

    /// <param name="upsdConf">Extra upsd.conf lines (e.g. CERTPATH and CERTIDENT for STARTTLS).</param>
    public static async Task<RealUpsd> StartAsync(string? data = null, string upsdConf = "")
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StartOnceAsync(data, upsdConf);
            }
            catch (InvalidOperationException e) when (attempt < 3 && e.Message.Contains("not listening on", StringComparison.Ordinal))
            {
                // Another process took the free port between FreePort and upsd's bind (the machine is shared): take another.
            }
        }
    }

    private static async Task<RealUpsd> StartOnceAsync(string? data, string upsdConf)
    {
        var dir = Directory.CreateTempSubdirectory("gw-nut-upsd-").FullName;
        var etc = Directory.CreateDirectory(Path.Combine(dir, "etc")).FullName;
        var state = Directory.CreateDirectory(Path.Combine(dir, "state")).FullName;
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(state, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute);
        var port = NutProcess.FreePort();
        await File.WriteAllTextAsync(Path.Combine(etc, "ups.conf"), $"[{UpsName}]\n driver = dummy-ups\n port = dummy.dev\n desc = \"Test dummy UPS\"\n");
        await File.WriteAllTextAsync(Path.Combine(etc, "dummy.dev"), (data ?? DefaultData) + "\n");
        await File.WriteAllTextAsync(Path.Combine(etc, "upsd.conf"), $"LISTEN 127.0.0.1 {port.ToString(CultureInfo.InvariantCulture)}\nMAXAGE 15\n{upsdConf}");
        await File.WriteAllTextAsync(Path.Combine(etc, "upsd.users"),
            "[admin]\n password = adminpw\n actions = SET\n actions = FSD\n instcmds = ALL\n upsmon primary\n[monuser]\n password = secret\n upsmon secondary\n");
        var upsd = new RealUpsd(dir, port);
        try
        {
            await upsd.StartDriverAsync();
            await upsd.StartServerAsync();
        }
        catch
        {
            await upsd.DisposeAsync();
            throw;
        }
        return upsd;
    }

    public async Task StartDriverAsync()
    {
        var r = await NutProcess.RunAsync(Upsdrvctl, ["-u", "root", "start", UpsName], Env);
        if (r.ExitCode != 0) throw new InvalidOperationException("upsdrvctl start failed: " + r.All);
    }

    public async Task RestartDriverAsync()
    {
        await StartDriverAsync();
        await WaitServingAsync();
    }

    public async Task StopDriverAsync() => await NutProcess.RunAsync(Upsdrvctl, ["-u", "root", "stop", UpsName], Env);

    public async Task StartServerAsync()
    {
        var r = await NutProcess.RunAsync(UpsdBinary, ["-u", "root"], Env);
        if (r.ExitCode != 0) throw new InvalidOperationException("upsd failed to start: " + r.All);
        await WaitServingAsync();
    }

    /// <summary>Waits until upsd serves the dummy UPS with real data (dummy-ups says WAIT while it starts).</summary>
    public async Task WaitServingAsync() =>
        await NutProcess.WaitUntilAsync(async () => (await UpscAsync("ups.status")) is { ExitCode: 0 } r && !r.Stdout.Contains("WAIT", StringComparison.Ordinal),
            "upsd to serve the dummy UPS");

    public async Task StopServerAsync()
    {
        await NutProcess.RunAsync(UpsdBinary, ["-c", "stop"], Env);
        await NutProcess.WaitUntilAsync(() => !Listening(), "upsd to stop");
    }

    private bool Listening()
    {
        try
        {
            using var c = new System.Net.Sockets.TcpClient();
            c.Connect(System.Net.IPAddress.Loopback, Port);
            return true;
        }
        catch (System.Net.Sockets.SocketException) { return false; }
    }

    public Task<NutProcess.Result> UpscAsync(string? variable = null) =>
        NutProcess.RunAsync("/usr/bin/upsc", variable is null ? [Target] : [Target, variable], Env);

    /// <summary>upsrw -s var=value as admin; "OK" on success.</summary>
    public async Task SetAsync(string variable, string value)
    {
        var r = await NutProcess.RunAsync("/usr/bin/upsrw", ["-s", $"{variable}={value}", "-u", "admin", "-p", "adminpw", Target], Env);
        if (!r.All.Contains("OK", StringComparison.Ordinal)) throw new InvalidOperationException("upsrw failed: " + r.All);
    }

    public async ValueTask DisposeAsync()
    {
        try { await NutProcess.RunAsync(UpsdBinary, ["-c", "stop"], Env, TimeSpan.FromSeconds(10)); } catch (Exception) { }
        try { await StopDriverAsync(); } catch (Exception) { }
        // Anything still running after the orderly stop is killed; the daemons delete their pid files as they go.
        foreach (var pidFile in Directory.GetFiles(Path.Combine(Dir, "state"), "*.pid"))
        {
            try
            {
                if (!int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid)) continue;
                using var p = System.Diagnostics.Process.GetProcessById(pid);
                if (p.ProcessName is not ("upsd" or "dummy-ups")) continue;
                p.Kill();
                p.WaitForExit(5000);
            }
            catch (Exception) { }
        }
        // The daemons remove their own sockets and pid files as they exit: retry until the folder is gone.
        for (var attempt = 0; attempt < 20 && Directory.Exists(Dir); attempt++)
        {
            try { Directory.Delete(Dir, recursive: true); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { await Task.Delay(100); }
        }
    }
}
