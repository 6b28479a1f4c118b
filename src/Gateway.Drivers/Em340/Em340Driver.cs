using Gateway.Drivers.Devices;
using Gateway.Drivers.Modbus;
using Gateway.Drivers.Readings;
using Gateway.Drivers.Serial;
using Microsoft.Extensions.Logging;

namespace Gateway.Drivers.Em340;

/// <summary>
/// Carlo Gavazzi EM340 (and family) over RS485. Connect = identity probe (0x000B read alone), then serial
/// number, firmware, measurement mode and whether the 3-decimal energy counters exist. Each poll reads the
/// instantaneous values (0x0000–0x0033) in blocks of at most 20 registers; the slow tier (energy counters,
/// demand, 3-decimal counters) is read with them on the first poll after every connect and then every
/// <see cref="Em340Settings.Energy"/>, its last values carried in between, so every published
/// <see cref="MeterReading"/> is complete.
/// </summary>
public sealed class Em340Driver : ModbusDeviceDriver
{
    private readonly Em340Settings _settings;
    private Em340Identity? _identity;
    // The register image across polls: the slow tier's last values stay in it between slow reads.
    private readonly Dictionary<ushort, ushort> _image = new(128);
    private bool _slowDue = true;
    private long _slowReadAt;

    public Em340Driver(Em340Settings settings, TimeProvider time, ILogger log, SerialLink.Opener? opener = null, Func<ReconnectBackoff>? backoff = null,
        ModbusBuses? buses = null)
        : base(settings.DeviceId, DeviceKind.Meter, settings.Serial, settings.Gap, settings.Poll, time, log, opener, backoff, buses)
    {
        _settings = settings;
    }

    public override IReadOnlyList<string> Commands => [];

    public Em340Identity? Identity => _identity;

    /// <summary>How long the last full refresh (both tiers, all blocks) took, for diagnostics and the bench.</summary>
    public TimeSpan LastRefreshDuration { get; private set; }

    protected override async Task VerifyAsync(IModbusClient master, CancellationToken ct)
    {
        var identity = await Em340IdentityReader.ReadAsync(master, _settings.Address, ct).ConfigureAwait(false);
        if (_identity != identity)
            Log.LogInformation("{Device}: {Model} (code {Code}) serial {Serial} firmware {Firmware}, measurement mode {Mode}, {Energy} energy counters",
                DeviceId, identity.Model, identity.ModelCode, identity.Serial ?? "unknown", identity.Firmware ?? "unknown", identity.MeasurementMode?.ToString() ?? "unknown",
                identity.HasDecimalEnergies ? "3-decimal" : "1-decimal");
        _identity = identity;
        // Nothing from before the (re)connect is carried: the first poll reads both tiers.
        _image.Clear();
        _slowDue = true;
    }

    /// <summary>The slow tier is due on the first poll at or after the energy interval (half a poll early rather than a whole poll late).</summary>
    private bool SlowDue => _slowDue || _settings.Energy <= PollInterval || Time.GetElapsedTime(_slowReadAt) >= _settings.Energy - PollInterval / 2;

    protected override async Task PollAsync(IModbusClient master, IReadingSink sink, CancellationToken ct)
    {
        var started = Time.GetTimestamp();
        var slow = SlowDue;
        // A failed read throws before anything is published; a failed slow read leaves the slow tier due.
        foreach (var block in slow ? Em340RegisterMap.MeasurementBlocks : Em340RegisterMap.EveryPollBlocks)
            await ReadIntoAsync(master, _image, block.Start, block.Count, ct).ConfigureAwait(false);
        if (slow && _identity?.HasDecimalEnergies == true)
            await ReadIntoAsync(master, _image, Em340RegisterMap.DecimalEnergyStart, Em340RegisterMap.DecimalEnergyCount, ct).ConfigureAwait(false);
        if (slow)
        {
            _slowDue = false;
            _slowReadAt = started;
            LastRefreshDuration = Time.GetElapsedTime(started);
        }
        sink.Publish(Em340Decoder.ToReading(DeviceId, Time.GetUtcNow(), MaxAge, _image, _identity));
    }

    private async Task ReadIntoAsync(IModbusClient master, Dictionary<ushort, ushort> image, ushort start, ushort count, CancellationToken ct)
    {
        var regs = await master.ReadHoldingRegistersAsync(_settings.Address, start, count, ct).ConfigureAwait(false);
        for (var i = 0; i < regs.Length; i++) image[(ushort)(start + i)] = regs[i];
    }

    public override Task<DeviceCommandResult> ExecuteAsync(string command, CancellationToken cancellationToken) =>
        Task.FromResult(DeviceCommandResult.NotSupported(command));
}
