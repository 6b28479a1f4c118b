using System.Text.Json;
using Gateway.Tests.HomeAssistant;
using Gateway.Tests.Simulation;
using Gateway.Tests.Support;

namespace Gateway.Tests.ModbusTable;

/// <summary>
/// <c>type: modbus</c> through the real binary: an SDM120 declared in the YAML, answered by pymodbus over a socat
/// pty, shows up in /api/telemetry, /metrics, history and as Home Assistant entities on a real mosquitto.
/// </summary>
[Collection(SerialPtyCollection.Name)]
[Trait("Category", "Integration")]
[Trait(Lane.Trait, Lane.FullOnly)]
public sealed class ModbusTableGatewayTests
{
    [Fact]
    public async Task A_declared_float32_meter_reaches_the_api_metrics_history_and_home_assistant()
    {
        using var dir = new TempDir("gw-modbus-table");
        await using var meter = new PymodbusSdm120(dir.Path);
        await meter.PlugAsync();
        await using var broker = await MosquittoBroker.StartAsync();
        await using var observer = await MqttObserver.ConnectAsync(broker.Port, "homeassistant/#", "gateway/tbl/#");
        var web = FreePort.Next();
        var config = dir.Write("config.yaml", $"""
            gateway:
              name: tbl
              data_dir: {dir.Path}/data
            devices:
              - id: pv
                type: modbus
                port: {meter.DeviceLink}
                address: 2
                poll_interval: 500ms
                manufacturer: Eastron
                model: SDM120
            {PymodbusSdm120.Registers}
            mqtt:
              host: 127.0.0.1
              port: {broker.Port}
              username: {MosquittoBroker.User}
              password: {MosquittoBroker.Password}
              state_interval: 10s
            web:
              listen: http://127.0.0.1:{web}
            history:
              interval: 1s
              flush_interval: 1s
            shutdown:
              dry_run: true
            gpio:
              enabled: false
            """);
        await using var gateway = GatewayProcess.Start(["run", "--config", config], dir.Path);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{web}"), Timeout = TimeSpan.FromSeconds(5) };
        (await gateway.WaitForHttpAsync($"http://127.0.0.1:{web}/api/health", TimeSpan.FromSeconds(60))).Dispose();

        JsonElement values = default;
        await Wait.UntilAsync(async () =>
        {
            if (gateway.HasExited) throw new InvalidOperationException($"the gateway exited with {gateway.ExitCode}:\n{gateway.Output}");
            using var doc = JsonDocument.Parse(await http.GetStringAsync("/api/telemetry/pv"));
            values = doc.RootElement.GetProperty("values").Clone();
            return values.TryGetProperty("import_energy", out _);
        }, "the declared keys in /api/telemetry/pv", TimeSpan.FromSeconds(60));
        double Value(string key) => values.GetProperty(key).GetProperty("value").GetDouble();
        Assert.Equal(PymodbusSdm120.Voltage, Value("voltage"), 3);
        Assert.Equal(PymodbusSdm120.Current, Value("current"), 6);
        Assert.Equal(PymodbusSdm120.Power, Value("power"), 6);
        Assert.Equal(PymodbusSdm120.Frequency, Value("frequency"), 6);
        Assert.Equal(PymodbusSdm120.ImportEnergy, Value("import_energy"), 6);
        Assert.Equal("kWh", values.GetProperty("import_energy").GetProperty("unit").GetString());

        var metrics = await http.GetStringAsync("/metrics");
        Assert.Contains("meter_voltage_volts{device=\"pv\"} 229.8", metrics, StringComparison.Ordinal);
        var joules = metrics.Split('\n').Single(l => l.StartsWith("meter_import_energy_joules_total{device=\"pv\"} ", StringComparison.Ordinal));
        Assert.Equal(PymodbusSdm120.ImportEnergy * 3.6e6, double.Parse(joules.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture), 3);
        Assert.Contains("gateway_device_up{device=\"pv\"} 1", metrics, StringComparison.Ordinal);

        await Wait.UntilAsync(async () =>
        {
            using var doc = JsonDocument.Parse(await http.GetStringAsync("/api/history/pv?metric=power&from=-10m"));
            var points = doc.RootElement.GetProperty("points");
            return points.GetArrayLength() > 0 && points[0].GetProperty("value").GetDouble() == PymodbusSdm120.Power;
        }, "a history point of the declared key 'power'", TimeSpan.FromSeconds(60));

        const string prefix = "homeassistant/sensor/tbl_pv/";
        await Wait.UntilAsync(() => observer.Latest.Keys.Count(k => k.StartsWith(prefix, StringComparison.Ordinal)) == 5
            && observer.Latest.ContainsKey("gateway/tbl/pv/state"), "five sensors and the state of pv", TimeSpan.FromSeconds(30));
        var validator = new HaConfigValidator();
        var problems = new List<string>();
        foreach (var seen in observer.Latest.Values.Where(s => s.Topic.StartsWith(prefix, StringComparison.Ordinal)))
            problems.AddRange(validator.Validate(seen.Topic, seen.Payload, seen.Retain, (int)seen.Qos, "gateway/tbl/status", TimeSpan.FromSeconds(10)));
        Assert.Empty(problems);
        using var energy = JsonDocument.Parse(observer.Latest[prefix + "import_energy/config"].Payload);
        Assert.Equal("Eastron", energy.RootElement.GetProperty("device").GetProperty("manufacturer").GetString());
        Assert.Equal("SDM120", energy.RootElement.GetProperty("device").GetProperty("model").GetString());
        using var state = JsonDocument.Parse(observer.Latest["gateway/tbl/pv/state"].Payload);
        Assert.Equal(PymodbusSdm120.Voltage, state.RootElement.GetProperty("voltage").GetDouble(), 3);
        Assert.Equal(PymodbusSdm120.ImportEnergy, state.RootElement.GetProperty("import_energy").GetDouble(), 3);
    }
}
