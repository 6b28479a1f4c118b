using System.Diagnostics;
using System.Globalization;
using Gateway.Drivers.Readings;

namespace Gateway.Tests.Nut;

/// <summary>Debian's own upsc, upscmd and upsmon against the gateway's NUT server.</summary>
[Trait("Category", "Integration")]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
[Trait(Lane.Trait, Lane.FullOnly)]
public sealed class NutServerRealClientTests
{
    [Fact]
    public async Task Upsc_lists_exactly_the_variables_the_hub_holds()
    {
        await using var s = await GatewayNutServer.StartAsync();
        var reading = (UpsReading)s.Hub.Get(GatewayNutServer.DeviceId)!.Latest!;
        var r = await NutProcess.RunAsync("/usr/bin/upsc", [s.Target]);
        Assert.True(r.ExitCode == 0, r.All);
        var served = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(": ", 2)).ToDictionary(p => p[0], p => p[1]);
        Assert.Equal(reading.Variables, served);

        var list = await NutProcess.RunAsync("/usr/bin/upsc", ["-l", $"127.0.0.1:{s.Port}"]);
        Assert.Equal("ups", list.Stdout.Trim());
        var clients = await NutProcess.RunAsync("/usr/bin/upsc", ["-c", s.Target]);
        Assert.Equal(0, clients.ExitCode);
    }

    [Fact]
    public async Task Upsc_reports_stale_data_like_upsd()
    {
        await using var s = await GatewayNutServer.StartAsync();
        s.Hub.ReportLinkState(GatewayNutServer.DeviceId, LinkState.Stale, "test");
        var r = await NutProcess.RunAsync("/usr/bin/upsc", [s.Target, "ups.status"]);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("Data stale", r.All);
    }

    [Fact]
    public async Task Upscmd_reaches_the_device_command_and_is_refused_without_the_right()
    {
        await using var s = await GatewayNutServer.StartAsync();
        var list = await NutProcess.RunAsync("/usr/bin/upscmd", ["-l", s.Target]);
        Assert.Contains("beeper.disable", list.Stdout);
        var ok = await NutProcess.RunAsync("/usr/bin/upscmd", ["-u", "admin", "-p", "adminpw", s.Target, "beeper.disable"]);
        Assert.True(ok.ExitCode == 0, ok.All);
        Assert.Contains("OK", ok.All);
        Assert.Equal(["beeper.disable"], s.Driver.Executed);

        var denied = await NutProcess.RunAsync("/usr/bin/upscmd", ["-u", "monuser", "-p", "secret", s.Target, "beeper.enable"]);
        Assert.NotEqual(0, denied.ExitCode);
        Assert.Contains("ERR ACCESS-DENIED", denied.All);
        Assert.Single(s.Driver.Executed);
    }

    [Fact]
    public async Task Upsmon_secondary_runs_its_shutdown_command_after_the_gateway_sets_fsd()
    {
        await using var s = await GatewayNutServer.StartAsync();
        var dir = Directory.CreateTempSubdirectory("gw-nut-upsmon-").FullName;
        var marker = Path.Combine(dir, "shutdown-ran");
        var script = Path.Combine(dir, "shutdown.sh");
        await File.WriteAllTextAsync(script, $"#!/bin/sh\necho \"shutdown $(date +%s)\" >> '{marker}'\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        await File.WriteAllTextAsync(Path.Combine(dir, "upsmon.conf"), string.Join('\n',
            $"MONITOR {s.Target} 1 monuser secret secondary",
            "MINSUPPLIES 1",
            $"SHUTDOWNCMD \"{script}\"",
            "POLLFREQ 1",
            "POLLFREQALERT 1",
            "DEADTIME 5",
            "HOSTSYNC 5",
            "FINALDELAY 0",
            $"POWERDOWNFLAG {Path.Combine(dir, "killpower")}",
            "") + "\n");
        File.SetUnixFileMode(Path.Combine(dir, "upsmon.conf"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Directory.CreateDirectory("/run/nut");
        const string pidFile = "/run/nut/upsmon.pid";
        // Another test run on this machine may have its upsmon up (the pid file's path is fixed): wait for it to end.
        await NutProcess.WaitUntilAsync(() => DeleteStalePid(pidFile), $"{pidFile} to name no live upsmon (another test run's)", TimeSpan.FromSeconds(120));

        var psi = new ProcessStartInfo("/lib/nut/upsmon") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-F", "-D", "-u", "root" }) psi.ArgumentList.Add(a);
        psi.Environment["NUT_CONFPATH"] = dir;
        psi.Environment["NUT_STATEPATH"] = dir;
        using var upsmon = Process.Start(psi)!;
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        upsmon.OutputDataReceived += (_, e) => { if (e.Data is not null) log.Enqueue(e.Data); };
        upsmon.ErrorDataReceived += (_, e) => { if (e.Data is not null) log.Enqueue(e.Data); };
        upsmon.BeginOutputReadLine();
        upsmon.BeginErrorReadLine();
        try
        {
            await NutProcess.WaitUntilAsync(() => s.Fsd.LoginCount(GatewayNutServer.DeviceId) == 1, "upsmon to LOGIN as a secondary");
            Assert.False(File.Exists(marker));

            s.Fsd.SetFsd(GatewayNutServer.DeviceId, "test: policy decided to shut down");
            await NutProcess.WaitUntilAsync(() => File.Exists(marker), "upsmon to run SHUTDOWNCMD after FSD", TimeSpan.FromSeconds(30));
            // Its exit closes the connection: that is a secondary's "logout", which the primary's wait counts.
            await NutProcess.WaitUntilAsync(() => s.Fsd.LoginCount(GatewayNutServer.DeviceId) == 0, "upsmon to disconnect");
            Assert.True(upsmon.WaitForExit(15_000), "upsmon exits after shutting down");
        }
        catch (Exception e)
        {
            throw new Exception("upsmon output:\n" + string.Join('\n', log), e);
        }
        finally
        {
            if (!upsmon.HasExited) upsmon.Kill(entireProcessTree: true);
            upsmon.WaitForExit(5000);
            KillUpsmonNamedIn(pidFile);
            Directory.Delete(dir, true);
        }
    }

    /// <summary>
    /// Removes a pid file left by an upsmon that is gone (2.8.0 refuses to start while it names a live upsmon);
    /// false while it names a live one.
    /// </summary>
    private static bool DeleteStalePid(string pidFile)
    {
        if (!File.Exists(pidFile)) return true;
        if (int.TryParse(File.ReadAllText(pidFile).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var pid))
        {
            try
            {
                using var p = Process.GetProcessById(pid);
                if (p.ProcessName == "upsmon") return false;
            }
            catch (ArgumentException) { }
        }
        File.Delete(pidFile);
        return true;
    }

    /// <summary>After the test: the upsmon named in the pid file is the one this test started (a second one could not
    /// have started), including its forked helper; stop it and remove the file.</summary>
    private static void KillUpsmonNamedIn(string pidFile)
    {
        if (!File.Exists(pidFile)) return;
        if (int.TryParse(File.ReadAllText(pidFile).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var pid))
        {
            try
            {
                using var p = Process.GetProcessById(pid);
                if (p.ProcessName == "upsmon")
                {
                    p.Kill();
                    p.WaitForExit(5000);
                }
            }
            catch (ArgumentException) { }
            catch (InvalidOperationException) { }
        }
        File.Delete(pidFile);
    }
}
