using Gateway.Tests.Support;
using Gateway.Drivers.Devices;
using Gateway.Drivers.Readings;
using Gateway.Hosting;
using Gateway.Policy;
using Gateway.Readings;
using Gateway.Web.Alarms;
using Gateway.Web.Metrics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Web;

public sealed class PrometheusExporterTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly ReadingHub _hub;
    private readonly AlarmMonitor _alarms;
    private readonly MutablePolicySource _policy = new();
    private readonly FakeDeviceDriver _upsDriver = new("ups", DeviceKind.Ups, "beeper.disable");
    private readonly StartInfo _start;

    public PrometheusExporterTests()
    {
        _hub = new ReadingHub(_time, NullLogger<ReadingHub>.Instance);
        _alarms = new AlarmMonitor(_hub, new EventBus(NullLogger<EventBus>.Instance), ApiTestHost.Config(""));
        _start = new StartInfo(_time);
    }

    private PrometheusExporter Exporter() =>
        new(_hub, new DeviceDirectory([_upsDriver, new FakeDeviceDriver("grid", DeviceKind.Meter)]), _alarms, _policy, _start, _time);

    /// <summary>Every kind of value: a UPS on battery with alarms and awkward identity strings, a meter, a lost device, a policy counting down.</summary>
    private IReadOnlyDictionary<string, PrometheusTextParser.Family> RenderFull()
    {
        _hub.Register("ups", "must", DeviceKind.Ups);
        _hub.Register("grid", "em340", DeviceKind.Meter);
        _hub.Register("nas", "nut", DeviceKind.Ups);
        var ups = TestReadings.Ups("ups", _time.GetUtcNow(), charge: 18, input: 0, status: "OB DISCHRG LB",
            extra: new() { [NutNames.UpsFirmware] = "v\"2\\1\nb", [NutNames.DeviceSerial] = "SN-1" });
        _hub.Publish(ups);
        _alarms.Handle(new ReadingPublished(ups));
        _hub.Publish(TestReadings.Meter("grid", _time.GetUtcNow()));
        _hub.ReportLinkState("nas", LinkState.Lost, "connection refused");
        _upsDriver.Counters.CountRequest();
        _upsDriver.Counters.CountTimeout();
        _upsDriver.Counters.CountReconnect();
        _policy.Current = new PolicyStatus(PolicyState.OnBattery, "ups", _time.GetUtcNow().AddMinutes(-2), "runtime", TimeSpan.FromSeconds(300), "on battery", _time.GetUtcNow(), false);
        _time.Advance(TimeSpan.FromSeconds(3));
        return PrometheusTextParser.Parse(Exporter().Render());
    }

    private static PrometheusTextParser.Sample One(IReadOnlyDictionary<string, PrometheusTextParser.Family> f, string name, params (string, string)[] labels) =>
        Assert.Single(f[name].Samples, s => labels.All(l => s.Label(l.Item1) == l.Item2));

    [Fact]
    public void Output_parses_strictly_and_every_family_has_help_and_type()
    {
        var families = RenderFull();
        Assert.NotEmpty(families);
        foreach (var f in families.Values)
        {
            Assert.False(string.IsNullOrWhiteSpace(f.Help), $"{f.Name} has no HELP");
            Assert.True(f.Type is "gauge" or "counter", $"{f.Name} has TYPE {f.Type}");
            if (f.Type == "counter")
            {
                Assert.EndsWith("_total", f.Name);
                Assert.All(f.Samples, s => Assert.True(s.Value >= 0));
            }
            else Assert.False(f.Name.EndsWith("_total", StringComparison.Ordinal), $"gauge {f.Name} ends in _total");
            Assert.All(f.Samples, s => Assert.Equal(f.Name, s.Name));
        }
    }

    [Fact]
    public void Ups_values_are_gauges_with_unit_suffixes_and_a_device_label()
    {
        var f = RenderFull();
        Assert.Equal(0, One(f, "ups_input_voltage_volts", ("device", "ups")).Value);
        Assert.Equal(18, One(f, "ups_battery_charge_percent", ("device", "ups")).Value);
        Assert.Equal(1800, One(f, "ups_battery_runtime_seconds", ("device", "ups")).Value);
        Assert.Equal(35, One(f, "ups_load_percent", ("device", "ups")).Value);
        Assert.Equal(31, One(f, "ups_temperature_celsius", ("device", "ups")).Value);
        Assert.Equal(210, One(f, "ups_realpower_watts", ("device", "ups")).Value);
        Assert.Equal(50, One(f, "ups_input_frequency_hertz", ("device", "ups")).Value);
        Assert.Equal("gauge", f["ups_input_voltage_volts"].Type);
    }

    [Fact]
    public void Ups_status_has_every_standard_flag_as_0_or_1()
    {
        var f = RenderFull();
        var status = f["ups_status"].Samples.Where(s => s.Label("device") == "ups").ToDictionary(s => s.Label("flag"), s => s.Value);
        Assert.Equal(UpsStatus.All.Select(x => x.Name).Order(), status.Keys.Order());
        Assert.Equal(["DISCHRG", "LB", "OB"], status.Where(kv => kv.Value == 1).Select(kv => kv.Key).Order());
    }

    [Fact]
    public void Meter_values_carry_a_phase_label_and_energy_is_a_counter_in_joules()
    {
        var f = RenderFull();
        Assert.Equal(1200, One(f, "meter_power_watts", ("device", "grid"), ("phase", "L1")).Value);
        Assert.Equal(-90, One(f, "meter_power_watts", ("device", "grid"), ("phase", "L3")).Value);
        Assert.Equal(3, f["meter_power_watts"].Samples.Count);
        Assert.Equal(1360, One(f, "meter_total_power_watts", ("device", "grid")).Value);
        Assert.Equal(400.1, One(f, "meter_line_voltage_volts", ("phase", "L1-L2")).Value);
        Assert.Equal(50.01, One(f, "meter_frequency_hertz").Value);
        Assert.Equal(0.96, One(f, "meter_power_factor", ("phase", "L1")).Value);
        Assert.Equal("counter", f["meter_import_energy_joules_total"].Type);
        Assert.Equal(152.5 * 3.6e6, One(f, "meter_import_energy_joules_total", ("device", "grid")).Value);
        Assert.Equal(3.25 * 3.6e6, One(f, "meter_export_energy_joules_total").Value);
        Assert.Equal(100.5 * 3.6e6, One(f, "meter_phase_import_energy_joules_total", ("phase", "L1")).Value);
        Assert.Equal(10500, One(f, "meter_import_reactive_energy_varhours_total").Value);
    }

    [Fact]
    public void Link_state_driver_counters_alarms_and_policy_are_exposed()
    {
        var f = RenderFull();
        Assert.Equal(1, One(f, "gateway_device_link_state", ("device", "nas"), ("state", "lost")).Value);
        Assert.Equal(0, One(f, "gateway_device_link_state", ("device", "nas"), ("state", "connected")).Value);
        Assert.Equal(1, One(f, "gateway_device_link_state", ("device", "ups"), ("state", "connected")).Value);
        Assert.Equal(0, One(f, "gateway_device_up", ("device", "nas")).Value);
        Assert.Equal(3, One(f, "gateway_device_reading_age_seconds", ("device", "ups")).Value);
        Assert.Equal(1, One(f, "gateway_driver_reconnects_total", ("device", "ups")).Value);
        Assert.Equal(1, One(f, "gateway_driver_timeouts_total", ("device", "ups")).Value);
        Assert.Equal(0, One(f, "gateway_driver_bad_frames_total", ("device", "grid")).Value);
        Assert.Equal(1, One(f, "gateway_alarm_active", ("device", "ups"), ("alarm", "battery_low")).Value);
        Assert.Equal(0, One(f, "gateway_alarm_active", ("device", "ups"), ("alarm", "load_high")).Value);
        Assert.Equal(1, One(f, "gateway_policy_state", ("state", "on_battery")).Value);
        Assert.Equal(0, One(f, "gateway_policy_state", ("state", "normal")).Value);
        Assert.Equal(123, One(f, "gateway_policy_on_battery_seconds").Value);
        Assert.Equal(300, One(f, "gateway_policy_next_trigger_eta_seconds", ("trigger", "runtime")).Value);
        Assert.Equal(3, One(f, "gateway_uptime_seconds").Value);
        // No values for a device that has none fresh.
        Assert.DoesNotContain(f["ups_status"].Samples, s => s.Label("device") == "nas");
    }

    [Fact]
    public void Label_values_are_escaped()
    {
        var f = RenderFull();
        var info = One(f, "ups_info", ("device", "ups"));
        Assert.Equal("v\"2\\1\nb", info.Label("firmware"));
        Assert.Equal("SN-1", info.Label("serial"));
        Assert.Equal("EP20-1000 PRO", info.Label("model"));
    }

    [Fact]
    public void Values_of_a_device_whose_reading_is_stale_are_left_out()
    {
        _hub.Publish(TestReadings.Ups("ups", _time.GetUtcNow()));
        _time.Advance(TimeSpan.FromMinutes(11));
        var f = PrometheusTextParser.Parse(Exporter().Render());
        Assert.Empty(f["ups_status"].Samples);
        Assert.False(f.ContainsKey("ups_input_voltage_volts"));
        Assert.Equal(0, One(f, "gateway_device_up", ("device", "ups")).Value);
    }

    [Theory]
    [InlineData("a 1")]
    [InlineData("# TYPE a gauge\n# TYPE a gauge\na 1\n")]
    [InlineData("# TYPE a gauge\na 1\n# HELP a late\n")]
    [InlineData("a 1\nb 1\na{x=\"1\"} 2\n")]
    [InlineData("a{x=\"1\"} 1\na{x=\"1\"} 2\n")]
    [InlineData("a{x=\"1\",x=\"2\"} 1\n")]
    [InlineData("a{x=\"\\t\"} 1\n")]
    [InlineData("a{__x=\"1\"} 1\n")]
    [InlineData("a{1x=\"1\"} 1\n")]
    [InlineData("a{x=1} 1\n")]
    [InlineData("1a 1\n")]
    [InlineData("a 1,5\n")]
    [InlineData("a one\n")]
    [InlineData("# TYPE a gauges\na 1\n")]
    [InlineData("a 1\r\n")]
    public void The_test_parser_is_strict(string text)
    {
        Assert.Throws<FormatException>(() => PrometheusTextParser.Parse(text));
    }

    [Fact]
    public void The_test_parser_accepts_the_specification_example()
    {
        const string example = "# HELP http_requests_total The total number of HTTP requests.\n# TYPE http_requests_total counter\n"
            + "http_requests_total{method=\"post\",code=\"200\"} 1027 1395066363000\nhttp_requests_total{method=\"post\",code=\"400\"}    3 1395066363000\n"
            + "# Escaping in label values:\nmsdos_file_access_time_seconds{path=\"C:\\\\DIR\\\\FILE.TXT\",error=\"Cannot find file:\\n\\\"FILE.TXT\\\"\"} 1.458255915e9\n"
            + "metric_without_timestamp_and_labels 12.47\nsomething_weird{problem=\"division by zero\"} +Inf -3982045\n";
        // The specification's example pads a value with spaces; this parser is stricter than that (single space), so normalise it.
        var f = PrometheusTextParser.Parse(example.Replace("}    3", "} 3"));
        Assert.Equal("C:\\DIR\\FILE.TXT", f["msdos_file_access_time_seconds"].Samples[0].Label("path"));
        Assert.Equal("Cannot find file:\n\"FILE.TXT\"", f["msdos_file_access_time_seconds"].Samples[0].Label("error"));
        Assert.Equal(double.PositiveInfinity, f["something_weird"].Samples[0].Value);
    }

    [Fact]
    public void Every_metric_the_grafana_dashboard_queries_is_exported()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "gateway.sln"))) dir = dir.Parent;
        Assert.NotNull(dir);
        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(dir!.FullName, "grafana", "gateway-dashboard.json")));
        var exprs = doc.RootElement.GetProperty("panels").EnumerateArray()
            .Where(p => p.TryGetProperty("targets", out _))
            .SelectMany(p => p.GetProperty("targets").EnumerateArray().Select(t => t.GetProperty("expr").GetString()!))
            .Concat(doc.RootElement.GetProperty("templating").GetProperty("list").EnumerateArray()
                .Where(v => v.TryGetProperty("definition", out _)).Select(v => v.GetProperty("definition").GetString()!))
            .ToArray();
        Assert.True(exprs.Length > 15);
        var families = RenderFull();
        var names = exprs.SelectMany(e => System.Text.RegularExpressions.Regex.Matches(e, @"\b(?:ups|meter|gateway)_[a-z0-9_]+\b").Select(m => m.Value)).Distinct().ToArray();
        Assert.NotEmpty(names);
        Assert.All(names, n => Assert.True(families.ContainsKey(n), $"the dashboard queries {n}, which /metrics does not export"));
    }

    /// <summary>Prometheus's own checker (Debian package prometheus): format and naming lint.</summary>
    [Fact]
    [Trait("Category", "Integration")]
    public async Task Promtool_check_metrics_accepts_the_exposition_without_lint_findings()
    {
        RenderFull();
        var text = Exporter().Render();
        var psi = new System.Diagnostics.ProcessStartInfo("promtool", "check metrics")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var p = System.Diagnostics.Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.StandardInput.WriteAsync(text);
        p.StandardInput.Close();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try { await p.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException) { p.Kill(entireProcessTree: true); throw; }
        var findings = (await stdout + await stderr).Trim();
        Assert.True(p.ExitCode == 0 && findings.Length == 0, $"promtool exit {p.ExitCode}: {findings}");
    }
}
