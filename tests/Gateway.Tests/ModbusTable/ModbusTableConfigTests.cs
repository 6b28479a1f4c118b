using System.Text;
using System.Text.Json;
using Gateway.Configuration;
using Gateway.DeviceTypes;
using Gateway.DeviceTypes.ModbusTable;
using Gateway.Drivers.Modbus;
using Gateway.Drivers.Readings;
using Gateway.HomeAssistant;
using Gateway.Tests.HomeAssistant;
using Gateway.Tests.Support;

namespace Gateway.Tests.ModbusTable;

/// <summary><c>type: modbus</c> in the configuration: rows, every bad row reported at its line, the shared wire, Home Assistant's rules.</summary>
public class ModbusTableConfigTests
{
    private static readonly Dictionary<string, string> NoEnv = new();

    private static ConfigLoadResult Load(string yaml) => ConfigLoader.LoadText(yaml, "test.yaml", NoEnv, []);

    private static ModbusTableDeviceOptions ExamplePv() =>
        Assert.IsType<ModbusTableDeviceOptions>(ConfigLoader.Load(RepoPaths.File("config.yaml.example"), NoEnv, []).Config!.FindDevice("pv"));

    [Fact]
    public void The_example_declares_an_sdm120_with_hex_addresses_float32_input_registers_on_the_meter_bus()
    {
        var pv = ExamplePv();
        Assert.Equal(2, pv.Address);
        Assert.Equal("/dev/gateway-meter", pv.Serial.Port);
        Assert.Equal(["voltage", "current", "power", "frequency", "import_energy"], pv.Registers.Select(r => r.Key));
        Assert.Equal([0x0000, 0x0006, 0x000C, 0x0046, 0x0048], pv.Registers.Select(r => (int)r.Register.Address));
        Assert.All(pv.Registers, r => Assert.Equal((RegisterType.Float32, ModbusFunction.ReadInputRegisters, WordOrder.HighFirst),
            (r.Register.Type, r.Register.Function, r.Register.WordOrder)));
        var energy = pv.Registers[^1];
        Assert.Equal(("kWh", "energy", "total_increasing", "Import energy"), (energy.Register.Unit, energy.DeviceClass, energy.StateClass, energy.Name));
        Assert.Equal("measurement", pv.Registers[0].StateClass);
        // max_gap 0: only declared registers are read; the adjacent frequency and energy share one read.
        Assert.Equal([(0x0000, 2), (0x0006, 2), (0x000C, 2), (0x0046, 4)],
            ModbusReadPlanner.Plan(pv.Registers.Select(r => r.Register), pv.MaxRegistersPerRead, pv.MaxGap).Select(b => ((int)b.Start, (int)b.Count)));
    }

    [Fact]
    public void Every_bad_row_is_reported_at_its_line_with_the_fix()
    {
        var r = Load("""
            devices:
              - id: pv
                type: modbus
                port: /dev/x
                registers:
                  - { key: voltage, address: 0x0000, type: flaot32, unit: V }
                  - { key: voltage, address: 0x0010, type: float32, unit: V }
                  - { key: current, address: 0x0020, type: float32, unit: A }
                  - { key: power, address: 0x0021, type: s32, unit: W }
                  - { key: last, address: 0xFFFF, type: u32 }
                  - { key: energy, address: 0x0030, type: float32, unit: kwh, device_class: energy }
                  - { key: energy2, address: 0x0032, type: float32, unit: kWh, device_class: enrgy }
                  - { key: energy3, address: 0x0034, type: float32, unit: kWh, device_class: energy, state_class: measurement }
                  - { key: Bad-Key, address: 0x0036, type: u16 }
                  - { key: fn, address: 0x0037, type: u16, function: inptu }
                  - { key: noaddr, type: u16 }
            """);
        Assert.False(r.Ok);
        var text = string.Join("\n", r.Errors.Select(e => e.ToString()));
        string Line(int line) => Assert.Single(r.Errors, e => e.Line == line).ToString();
        Assert.Contains("test.yaml:6:", Line(6));
        Assert.Contains("unknown register type 'flaot32' (did you mean 'float32'?)", Line(6));
        Assert.Contains("duplicate key 'voltage' (first declared at line 6)", Line(7));
        Assert.Contains("devices[0].registers[3].address", Line(9));
        Assert.Contains("overlap 0x0020–0x0021 of 'current' (line 8)", Line(9));
        Assert.Contains("past the last Modbus register 0xFFFF", Line(10));
        Assert.Contains("Home Assistant does not accept 'kwh' for device_class energy (did you mean 'kWh'?)", Line(11));
        Assert.Contains("'enrgy' is not a Home Assistant sensor device class (did you mean 'energy'?)", Line(12));
        Assert.Contains("'measurement' is not accepted by Home Assistant with device_class energy", Line(13));
        Assert.Contains("lower-case letters", Line(14));
        Assert.Contains("expected one of holding, input, got 'inptu' (did you mean 'input'?)", Line(15));
        Assert.Contains("registers[10].address: is required", Line(16));
        Assert.Equal(10, r.Errors.Count());
        Assert.DoesNotContain("unknown key", text);
    }

    [Fact]
    public void A_device_without_registers_and_an_unknown_type_say_what_to_write()
    {
        var r = Load("""
            devices:
              - { id: pv, type: modbus, port: /dev/x }
              - { id: x, type: modbsu, port: /dev/x }
            """);
        Assert.Contains(r.Errors, e => e.Line == 2 && e.Message.Contains("needs at least one row", StringComparison.Ordinal));
        Assert.Contains(r.Errors, e => e.Line == 3 && e.Message.Contains("got 'modbsu' (did you mean 'modbus'?)", StringComparison.Ordinal));
    }

    [Fact]
    public void Devices_on_one_port_with_different_line_settings_or_the_same_address_are_errors_naming_both()
    {
        var r = Load("""
            devices:
              - { id: grid, type: em340, port: /dev/rs485, address: 1 }
              - { id: pv, type: modbus, port: /dev/rs485, address: 2, baud: 19200, registers: [ { key: v, address: 0, type: float32 } ] }
              - { id: pv2, type: modbus, port: /dev/rs485, address: 1, registers: [ { key: v, address: 0, type: float32 } ] }
              - { id: ok, type: modbus, port: /dev/rs485, address: 3, registers: [ { key: v, address: 0, type: float32 } ] }
            """);
        Assert.Equal(2, r.Errors.Count());
        var speed = Assert.Single(r.Errors, e => e.Line == 3).ToString();
        Assert.Contains("devices[1].baud", speed);
        Assert.Contains("'grid' (line 2) and 'pv' share /dev/rs485", speed);
        Assert.Contains("9600 baud", speed);
        Assert.Contains("19200 baud", speed);
        var address = Assert.Single(r.Errors, e => e.Line == 4).ToString();
        Assert.Contains("'grid' (line 2) and 'pv2' share /dev/rs485 and both use Modbus address 1", address);
    }

    [Fact]
    public void Hex_addresses_are_read_wherever_a_whole_number_is()
    {
        var r = Load("devices:\n  - { id: ups, type: must, port: /dev/x, address: 0x0A }\n");
        Assert.True(r.Ok, string.Join("\n", r.Problems));
        Assert.Equal(10, Assert.IsType<MustDeviceOptions>(r.Config!.Devices[0]).Slave);
        Assert.Contains(Load("devices:\n  - { id: ups, type: must, port: /dev/x, address: 0xZZ }\n").Errors, e => e.Message.Contains("expected a whole number, got '0xZZ'", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_entity_of_the_example_device_is_valid_for_home_assistant()
    {
        var pv = ExamplePv();
        var entities = DeviceTypeRegistry.Find("modbus")!.MeterEntities!(pv);
        var topics = new HaTopics("gateway/gw", "homeassistant", "gw");
        var device = new HaDevice(["gw_pv"], "PV meter", "Eastron", "SDM120", ViaDevice: "power_gateway_gw");
        var validator = new HaConfigValidator();
        var problems = new List<string>();
        foreach (var e in entities.Values)
            problems.AddRange(validator.Validate(topics.Config(e.Component, "pv", e.Key), Encoding.UTF8.GetString(HaDiscoveryDocument.Write(topics, "pv", e, device, 30)),
                true, 1, "gateway/gw/status", TimeSpan.FromSeconds(10)));
        Assert.Empty(problems);
        Assert.Equal(("energy", "kWh", "total_increasing"), (entities["import_energy"].DeviceClass, entities["import_energy"].Unit, entities["import_energy"].StateClass));

        // The state document carries each declared key, rounded; values the device did not report are null.
        var reading = new MeterReading("pv", DateTimeOffset.UnixEpoch, TimeSpan.FromSeconds(3)) { Values = [new Metric("voltage", 229.89999389648438, "V")] };
        using var doc = JsonDocument.Parse(HaStateDocument.ForMeter(reading, entities));
        Assert.Equal(229.9, doc.RootElement.GetProperty("voltage").GetDouble());
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("import_energy").ValueKind);
    }

    [Fact]
    public void The_home_assistant_rules_in_the_gateway_equal_the_table_the_tests_validate_with()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "HomeAssistant", "ha-sensor-units.json")));
        var fromJson = json.RootElement.EnumerateObject()
            .Where(p => p.Value.ValueKind == JsonValueKind.Object && p.Value.TryGetProperty("units", out _) && p.Value.TryGetProperty("state_classes", out _))
            .ToDictionary(p => p.Name, p => (
                Units: p.Value.GetProperty("units").ValueKind == JsonValueKind.Null ? null : string.Join("|", p.Value.GetProperty("units").EnumerateArray().Select(u => u.GetString() ?? "(none)")),
                States: string.Join("|", p.Value.GetProperty("state_classes").EnumerateArray().Select(s => s.GetString()))));
        var inGateway = HaSensorRules.ByDeviceClass.ToDictionary(p => p.Key, p => (
            Units: p.Value.Units is null ? null : string.Join("|", p.Value.Units.Select(u => u ?? "(none)")),
            States: string.Join("|", p.Value.StateClasses)));
        Assert.Equal(fromJson.OrderBy(p => p.Key), inGateway.OrderBy(p => p.Key));
    }
}
