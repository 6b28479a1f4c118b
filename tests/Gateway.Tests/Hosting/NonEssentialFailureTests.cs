using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Gateway.Tests.Abuse;
using Gateway.Tests.Nut;
using Gateway.Tests.Support;
using Xunit.Abstractions;

namespace Gateway.Tests.Hosting;

/// <summary>
/// Parts that are not protection fail; protection goes on. Through the real binary with a simulated MUST UPS over
/// socat ptys: the NUT server keeps serving fresh data, the policy sees the outage, and the log or /api/health says
/// which part failed and what to do, in one line.
/// </summary>
[Trait("Category", "Integration")]
[Trait(Lane.Trait, Lane.FullOnly)]
public sealed class NonEssentialFailureTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_busy_web_port_leaves_the_nut_server_and_the_policy_running_and_says_so_in_one_line()
    {
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var port = ((IPEndPoint)squatter.LocalEndpoint).Port;

        await using var rig = await MustGatewayRig.StartAsync(webPort: port);
        await ProtectionStillWorksAsync(rig);

        var line = rig.Gateway.Output.Split('\n').Single(l => l.Contains("The web dashboard and API are off", StringComparison.Ordinal));
        output.WriteLine(line);
        Assert.Contains($"cannot listen on http://127.0.0.1:{port}: the address is already in use by another program", line);
        Assert.Contains("Fix: set web.listen", line);
        Assert.DoesNotContain("   at ", rig.Gateway.Output);
        Assert.DoesNotContain($"Now listening on: http://127.0.0.1:{port}", rig.Gateway.Output);
    }

    [Fact]
    public async Task A_read_only_data_dir_and_a_dead_broker_leave_protection_running_and_health_names_both()
    {
        using var dir = new TempDir("gw-ro");
        var data = Directory.CreateDirectory(Path.Combine(dir.Path, "data")).FullName;
        await using var mount = await Mount.ReadOnlyAsync(data);

        await using var rig = await MustGatewayRig.StartAsync(dataDir: data);
        await rig.Broker.KillAsync();
        await ProtectionStillWorksAsync(rig);
        var mqtt = await ComponentAsync(rig, "mqtt", "reconnecting");
        output.WriteLine(mqtt);
        Assert.Contains("reconnecting", mqtt);

        var history = await HistoryHealthAsync(rig);
        output.WriteLine(history);
        Assert.Contains("failing", history);
        Assert.Contains(data, history);
        Assert.Contains("fix: check that", history);
    }

    [Fact]
    public async Task A_full_disk_leaves_protection_running_and_health_names_the_history_problem()
    {
        using var dir = new TempDir("gw-full");
        var data = Directory.CreateDirectory(Path.Combine(dir.Path, "data")).FullName;
        await using var mount = await Mount.FullTmpfsAsync(data);

        await using var rig = await MustGatewayRig.StartAsync(dataDir: data);
        await ProtectionStillWorksAsync(rig);

        var history = await HistoryHealthAsync(rig);
        output.WriteLine(history);
        Assert.Contains("failing", history);
        Assert.Contains($"the disk holding {data} is full; fix: free space", history);
    }

    /// <summary>Mains lost at the simulator: the NUT server serves OB and the policy reports the outage.</summary>
    private static async Task ProtectionStillWorksAsync(MustGatewayRig rig)
    {
        rig.Simulator.LoseMains();
        await NutProcess.WaitUntilAsync(async () => (await rig.NutStatusAsync())?.Split(' ').Contains("OB") == true, "the NUT server to serve OB", TimeSpan.FromSeconds(30));
        await NutProcess.WaitUntilAsync(() => rig.Gateway.Output.Contains("Policy [ups] on_battery", StringComparison.Ordinal), "the policy to see the outage", TimeSpan.FromSeconds(30));
        Assert.False(rig.Gateway.HasExited, rig.Gateway.Output);
    }

    private static Task<string> HistoryHealthAsync(MustGatewayRig rig) => ComponentAsync(rig, "history", "failing");

    /// <summary>A component of /api/health as JSON text, once its state is <paramref name="state"/> (or after 30 s).</summary>
    private static async Task<string> ComponentAsync(MustGatewayRig rig, string component, string state)
    {
        using var http = new HttpClient();
        string last = "";
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < TimeSpan.FromSeconds(30))
        {
            using var doc = JsonDocument.Parse(await http.GetStringAsync(rig.Url + "/api/health"));
            last = doc.RootElement.GetProperty("components").GetProperty(component).ToString();
            if (last.Contains($"\"state\":\"{state}\"", StringComparison.Ordinal)) return last;
            await Task.Delay(200);
        }
        return last;
    }
}
