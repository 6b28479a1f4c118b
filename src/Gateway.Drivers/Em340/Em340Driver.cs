using Gateway.Drivers.Devices;
using Gateway.Drivers.Modbus;
using Gateway.Drivers.Readings;
using Gateway.Drivers.Serial;
using Microsoft.Extensions.Logging;

namespace Gateway.Drivers.Em340;

/// <summary>
/// Carlo Gavazzi EM340 (and family) over RS485. Connect = identity probe (0x000B read alone), then serial
/// number, firmware, measurement mode and whether the 3-decimal energy counters exist. Each poll reads the
/// measurement table in blocks of at most 20 registers and publishes one <see cref="MeterReading"/>.
/// </summary>
public sealed class Em340Driver : ModbusDeviceDriver
{
    private readonly Em340Settings _settings;
    private Em340Identity? _identity;
    private ushort[][]? _lastReplies;

    public Em340Driver(Em340Settings settings, TimeProvider time, ILogger log, SerialLink.Opener? opener = null, Func<ReconnectBackoff>? backoff = null,
        ModbusBuses? buses = null)
        : base(settings.DeviceId, DeviceKind.Meter, settings.Serial, settings.Gap, settings.Poll, time, log, opener, backoff, buses)
    {
        _settings = settings;
    }

    public override IReadOnlyList<string> Commands => [];

    public Em340Identity? Identity => _identity;

    /// <summary>How long the last full refresh (all blocks) took, for diagnostics and the bench.</summary>
    public TimeSpan LastRefreshDuration { get; private set; }

    protected override async Task VerifyAsync(IModbusClient master, CancellationToken ct)
    {
        var identity = await Em340IdentityReader.ReadAsync(master, _settings.Address, ct).ConfigureAwait(false);
        if (_identity != identity)
            Log.LogInformation("{Device}: {Model} (code {Code}) serial {Serial} firmware {Firmware}, measurement mode {Mode}, {Energy} energy counters",
                DeviceId, identity.Model, identity.ModelCode, identity.Serial ?? "unknown", identity.Firmware ?? "unknown", identity.MeasurementMode?.ToString() ?? "unknown",
                identity.HasDecimalEnergies ? "3-decimal" : "1-decimal");
        _identity = identity;
        _lastReplies = null;
    }

    protected override async Task PollAsync(IModbusClient master, IReadingSink sink, CancellationToken ct)
    {
        var started = Time.GetTimestamp();
        var blocks = Em340RegisterMap.MeasurementBlocks;
        var decimals = _identity?.HasDecimalEnergies == true;
        var replies = new ushort[blocks.Count + (decimals ? 1 : 0)][];
        for (var i = 0; i < blocks.Count; i++)
            replies[i] = await master.ReadHoldingRegistersAsync(_settings.Address, blocks[i].Start, blocks[i].Count, ct).ConfigureAwait(false);
        if (decimals)
            replies[^1] = await master.ReadHoldingRegistersAsync(_settings.Address, Em340RegisterMap.DecimalEnergyStart, Em340RegisterMap.DecimalEnergyCount, ct).ConfigureAwait(false);
        LastRefreshDuration = Time.GetElapsedTime(started);
        var previous = _lastReplies;
        _lastReplies = replies;
        if (previous is not null && SameReplies(previous, replies) && TryConfirmUnchanged(sink)) return;
        var image = new Dictionary<ushort, ushort>(128);
        for (var i = 0; i < blocks.Count; i++) Copy(image, blocks[i].Start, replies[i]);
        if (decimals) Copy(image, Em340RegisterMap.DecimalEnergyStart, replies[^1]);
        Publish(sink, Em340Decoder.ToReading(DeviceId, Time.GetUtcNow(), MaxAge, image, _identity));
    }

    private static bool SameReplies(ushort[][] a, ushort[][] b)
    {
        if (a.Length != b.Length) return false;
        for (var i = 0; i < a.Length; i++)
            if (!a[i].AsSpan().SequenceEqual(b[i])) return false;
        return true;
    }

    private static void Copy(Dictionary<ushort, ushort> image, ushort start, ushort[] regs)
    {
        for (var i = 0; i < regs.Length; i++) image[(ushort)(start + i)] = regs[i];
    }

    public override Task<DeviceCommandResult> ExecuteAsync(string command, CancellationToken cancellationToken) =>
        Task.FromResult(DeviceCommandResult.NotSupported(command));
}
