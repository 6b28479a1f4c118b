using Gateway.Drivers.Devices;
using Gateway.Drivers.Modbus;
using Gateway.Drivers.Readings;
using Gateway.Drivers.Serial;
using Microsoft.Extensions.Logging;

namespace Gateway.Drivers.ModbusTable;

/// <summary>
/// A Modbus RTU device whose register table comes from the configuration (<c>type: modbus</c>): the rows are
/// planned into the fewest reads within the device's limits, decoded by the generic core and published as one
/// <see cref="MeterReading"/> whose <see cref="MeterReading.Values"/> carry the configured keys. The device is
/// Connected once its first planned read is answered (there is no identity register to ask).
/// </summary>
public sealed class ModbusTableDriver : ModbusDeviceDriver
{
    private readonly ModbusTableSettings _settings;
    private readonly ModbusReadBlock[] _blocks;

    public ModbusTableDriver(ModbusTableSettings settings, TimeProvider time, ILogger log, SerialLink.Opener? opener = null, Func<ReconnectBackoff>? backoff = null,
        ModbusBuses? buses = null)
        : base(settings.DeviceId, DeviceKind.Meter, settings.Serial, settings.InterRequestDelay, settings.PollInterval, time, log, opener, backoff, buses)
    {
        if (settings.Registers.Count == 0) throw new ArgumentException("a register table needs at least one row", nameof(settings));
        _settings = settings;
        _blocks = ModbusReadPlanner.Plan(settings.Registers, settings.MaxRegistersPerRead, settings.MaxGap);
    }

    /// <summary>The reads of one poll, in order.</summary>
    public IReadOnlyList<ModbusReadBlock> Blocks => _blocks;

    public override IReadOnlyList<string> Commands => [];

    protected override async Task VerifyAsync(IModbusClient client, CancellationToken ct) =>
        await ReadAsync(client, _blocks[0], ct).ConfigureAwait(false);

    protected override async Task PollAsync(IModbusClient client, IReadingSink sink, CancellationToken ct)
    {
        var words = new Dictionary<ushort, ushort>(_settings.Registers.Count * 2);
        foreach (var block in _blocks)
            ModbusRegisterDecoder.Store(block, await ReadAsync(client, block, ct).ConfigureAwait(false), words);
        var values = new List<Metric>(_settings.Registers.Count);
        foreach (var r in _settings.Registers)
            if (ModbusRegisterDecoder.Value(r, words) is { } v) values.Add(new Metric(r.Key, v, r.Unit));
        sink.Publish(new MeterReading(DeviceId, Time.GetUtcNow(), MaxAge)
        {
            Values = values,
            Manufacturer = _settings.Manufacturer,
            Model = _settings.Model,
        });
    }

    private Task<ushort[]> ReadAsync(IModbusClient client, ModbusReadBlock block, CancellationToken ct) =>
        block.Function == ModbusFunction.ReadInputRegisters
            ? client.ReadInputRegistersAsync(_settings.Address, block.Start, block.Count, ct)
            : client.ReadHoldingRegistersAsync(_settings.Address, block.Start, block.Count, ct);

    public override Task<DeviceCommandResult> ExecuteAsync(string command, CancellationToken cancellationToken) =>
        Task.FromResult(DeviceCommandResult.NotSupported(command));
}
