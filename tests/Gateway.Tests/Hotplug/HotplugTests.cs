using System.Collections.Concurrent;
using Gateway.Configuration;
using Gateway.Drivers.Devices;
using Gateway.Drivers.Readings;
using Gateway.Hotplug;
using Gateway.Readings;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Tests.Hotplug;

public sealed class HotplugTests
{
    private const string UserConf = """
        # ups.conf — hand-written
        maxretry = 3

        [nas]
          # the NAS's own UPS, serial
          driver = blazer_ser
          port = /dev/ttyS0

        # my-ups follows
        [my-ups]
          # user note inside the section
          driver = usbhid-ups
          port = auto
          vendorid = 051d
          productid = 0002

        # trailing comment for [other]
        [other]
          driver = dummy-ups
          port = other.dev
        """;

    [Fact]
    public void Scanner_finds_ups_by_hid_power_page_and_ignores_keyboards_and_hubs()
    {
        using var sys = new SysfsTree().RootHub().Eaton().Keyboard();
        var devices = UsbSysfsScanner.Scan(sys.Root);
        Assert.Equal(["1-1.2", "1-1.4", "usb1"], devices.Select(d => d.SysName));
        var eaton = devices[0];
        Assert.Equal(("0463", "ffff", "G355M13067", true, true), (eaton.VendorId, eaton.ProductId, eaton.Serial, eaton.HasHidInterface, eaton.HasPowerDeviceUsage));
        Assert.Equal("usbhid-ups", UsbUpsIdentifier.DriverFor(eaton));
        Assert.Null(UsbUpsIdentifier.DriverFor(devices[1]));
        Assert.Null(UsbUpsIdentifier.DriverFor(devices[2]));
        Assert.Empty(UsbSysfsScanner.Scan(Path.Combine(sys.Root, "nope")));
    }

    [Fact]
    public void Descriptor_parser_handles_long_items_and_truncation()
    {
        Assert.True(UsbUpsIdentifier.DeclaresPowerDevice([0x06, 0x85, 0x00, 0x09, 0x01]));
        Assert.True(UsbUpsIdentifier.DeclaresPowerDevice([0xFE, 0x01, 0x00, 0xAA, 0x05, 0x84]));
        Assert.False(UsbUpsIdentifier.DeclaresPowerDevice([0x05]));
        Assert.False(UsbUpsIdentifier.DeclaresPowerDevice([0x05, 0x01, 0x09, 0x84]));
        Assert.False(UsbUpsIdentifier.DeclaresPowerDevice([]));
    }

    [Fact]
    public void Rewrite_replaces_only_its_section_and_keeps_comments_and_other_sections()
    {
        var eaton = new UsbDevice("1-1.2", "0463", "ffff", "EATON", "Eaton 5E", "G355M13067", true, true);
        var text = UpsConfEditor.Write(UserConf, UpsConfSection.For("my-ups", eaton, "usbhid-ups"));
        Assert.Equal("""
            # ups.conf — hand-written
            maxretry = 3

            [nas]
              # the NAS's own UPS, serial
              driver = blazer_ser
              port = /dev/ttyS0

            # my-ups follows
            [my-ups]
              # user note inside the section
              # managed by the gateway's USB hotplug; edits to this section are replaced
              driver = usbhid-ups
              port = auto
              vendorid = 0463
              productid = ffff
              serial = "G355M13067"
              desc = "EATON Eaton 5E"

            # trailing comment for [other]
            [other]
              driver = dummy-ups
              port = other.dev

            """.Replace("\r\n", "\n", StringComparison.Ordinal), text);
        Assert.Equal(new UpsConfSection("my-ups", "usbhid-ups", "0463", "ffff", "G355M13067", "EATON Eaton 5E"), UpsConfEditor.Read(text, "my-ups"));
        // Writing the same again changes nothing; a file without the section gets it appended.
        Assert.Equal(text, UpsConfEditor.Write(text, UpsConfEditor.Read(text, "my-ups")!));
        var appended = UpsConfEditor.Write("[nas]\n  driver = x\n  port = y\n", UpsConfSection.For("my-ups", eaton, "usbhid-ups"));
        Assert.StartsWith("[nas]\n  driver = x\n  port = y\n\n[my-ups]\n", appended);
        Assert.Equal("[my-ups]", UpsConfEditor.Write("", UpsConfSection.For("my-ups", eaton, "usbhid-ups")).Split('\n')[0]);
    }

    [Fact]
    public void Decisions_follow_plug_unplug_and_model_changes()
    {
        var eaton = new UsbDevice("1-1.2", "0463", "ffff", "EATON", "Eaton 5E", "G1", true, true);
        var apc = new UsbDevice("1-1.3", "051d", "0002", "APC", "Back-UPS", "A1", true, true);
        var keyboard = new UsbDevice("1-1.4", "046d", "c31c", "Logitech", "Keyboard", null, true, false);

        Assert.Equal(HotplugAction.None, HotplugDecider.Decide("my-ups", null, false, [keyboard]).Action);

        var added = HotplugDecider.Decide("my-ups", null, false, [keyboard, eaton]);
        Assert.Equal(HotplugAction.Configure, added.Action);
        Assert.Equal("0463", added.Section!.VendorId);
        var section = added.Section;

        Assert.Equal(HotplugAction.None, HotplugDecider.Decide("my-ups", section, true, [eaton]).Action);
        Assert.Equal(HotplugAction.Stop, HotplugDecider.Decide("my-ups", section, true, [keyboard]).Action);
        Assert.Equal(HotplugAction.Start, HotplugDecider.Decide("my-ups", section, false, [eaton]).Action);
        // A second UPS never steals the name from the configured one.
        Assert.Equal(HotplugAction.None, HotplugDecider.Decide("my-ups", section, true, [apc, eaton]).Action);
        var swapped = HotplugDecider.Decide("my-ups", section, false, [apc]);
        Assert.Equal(HotplugAction.Configure, swapped.Action);
        Assert.Equal(("051d", "0002", "my-ups"), (swapped.Section!.VendorId, swapped.Section.ProductId, swapped.Section.Name));
        // nut-scanner's judgement wins over the built-in table.
        var scanned = HotplugDecider.Decide("my-ups", null, false, [apc], new Dictionary<string, string> { ["051d:0002"] = "apc_modbus" });
        Assert.Equal("apc_modbus", scanned.Section!.Driver);
    }

    [Fact]
    public void Nut_scanner_output_is_read()
    {
        const string output = """
            [nutdev1]
            	driver = "usbhid-ups"
            	port = "auto"
            	vendorid = "0463"
            	productid = "FFFF"
            	product = "5E"
            	serial = "G355M13067"
            	vendor = "EATON"
            	bus = "001"
            """;
        Assert.Equal(new Dictionary<string, string> { ["0463:ffff"] = "usbhid-ups" }, NutScannerOutput.DriversByUsbId(output));
    }

    [Trait(Lane.Trait, Lane.FullOnly)]
    [Fact]
    public async Task Watcher_follows_usb_events_in_a_temp_dir()
    {
        using var sys = new SysfsTree().RootHub();
        var dev = Directory.CreateTempSubdirectory("gw-devusb-").FullName;
        var conf = Path.Combine(sys.Root, "ups.conf");
        await File.WriteAllTextAsync(conf, UserConf);
        var control = new RecordingDriverControl();
        var hub = new ReadingHub(TimeProvider.System, NullLogger<ReadingHub>.Instance);
        hub.Register("local-ups", "nut", DeviceKind.Ups);
        var options = new UsbHotplugOptions { Enabled = true, UpsConf = conf, SysfsRoot = sys.Root, DevUsb = dev, ScanInterval = TimeSpan.FromHours(1), DriverControl = "upsdrvctl" };
        using var watcher = new UsbHotplugWatcher(options, control, hub, ["local-ups"], TimeProvider.System, NullLogger.Instance);
        try
        {
            await watcher.StartAsync(default);
            await Gateway.Tests.Nut.NutProcess.WaitUntilAsync(() => watcher.Scans >= 1, "the start-up scan");
            Assert.Empty(control.Calls);

            // Plug in: the kernel creates the sysfs entry and then the /dev/bus/usb node.
            sys.Eaton();
            Directory.CreateDirectory(Path.Combine(dev, "001"));
            await File.WriteAllTextAsync(Path.Combine(dev, "001", "005"), "");
            await Gateway.Tests.Nut.NutProcess.WaitUntilAsync(() => control.Calls.Contains("restart my-ups"), "the driver restart after plug-in");
            var text = await File.ReadAllTextAsync(conf);
            Assert.Contains("vendorid = 0463", text);
            Assert.Contains("[nas]", text);
            Assert.Contains("# trailing comment for [other]", text);

            // Unplug: driver stopped, device Lost.
            sys.Remove("1-1.2");
            File.Delete(Path.Combine(dev, "001", "005"));
            await Gateway.Tests.Nut.NutProcess.WaitUntilAsync(() => control.Calls.Contains("stop my-ups"), "the driver stop after unplug");
            // The driver's stop and the hub's state change are two steps: the state may follow the stop a moment later.
            await Gateway.Tests.Nut.NutProcess.WaitUntilAsync(() => hub.Get("local-ups")!.Link == LinkState.Lost, "the device Lost after unplug");
            Assert.Equal("USB UPS unplugged", hub.Get("local-ups")!.LinkReason);
            Assert.Equal(text, await File.ReadAllTextAsync(conf));
        }
        finally
        {
            await watcher.StopAsync(default);
            Directory.Delete(dev, true);
        }
    }

    private sealed class RecordingDriverControl : IUpsDriverControl
    {
        public ConcurrentQueue<string> Calls { get; } = new();

        public Task<bool> RestartAsync(string upsName, CancellationToken ct)
        {
            Calls.Enqueue($"restart {upsName}");
            return Task.FromResult(true);
        }

        public Task<bool> StopAsync(string upsName, CancellationToken ct)
        {
            Calls.Enqueue($"stop {upsName}");
            return Task.FromResult(true);
        }
    }
}
