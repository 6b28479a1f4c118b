using Gateway.Drivers.Devices;
using Gateway.Drivers.Modbus;
using Gateway.Drivers.Readings;
using Gateway.Drivers.Serial;
using Microsoft.Extensions.Logging;

namespace Gateway.Drivers.Must;

/// <summary>
/// MUST EP20 UPS over its USB-serial adapter. Reads 30000–30026 every poll and 31000–31017 at the slow
/// rate (and right after a beeper command); between full polls it reads the work state alone (one
/// register, an urgent read on the bus) every status interval and publishes at once when it changed, so a
/// power cut is seen within a status interval. While the UPS is on mains with nothing wrong the full poll runs
/// at the slower mains pace (<see cref="MustSettings.MainsPoll"/>); the status read keeps its rate in every state,
/// and the first one that sees anything else brings the full poll back at once. An invalid work state is counted as
/// a bad reading and not published. Commands are written with function 16 and a count of 1, as the vendor software does.
/// </summary>
public sealed class MustDriver : ModbusDeviceDriver
{
    private readonly MustSettings _settings;
    private ushort[] _slow = [];
    private long _slowReadAt;
    private volatile bool _slowDue = true;
    private string? _lastProblem;
    private ushort[]? _main;
    private volatile bool _onMains;
    private int _calmPolls;

    /// <summary>
    /// Full polls in a row on line with nothing wrong before the pace slows: with the status read that saw the
    /// line state come back, the policy's power_back_readings (3 by default) end an outage as soon as before.
    /// </summary>
    public const int CalmPollsBeforeMainsPace = 2;

    public MustDriver(MustSettings settings, TimeProvider time, ILogger log, SerialLink.Opener? opener = null, Func<ReconnectBackoff>? backoff = null,
        ModbusBuses? buses = null)
        : base(settings.DeviceId, DeviceKind.Ups, settings.Serial, TimeSpan.Zero, settings.Poll, time, log, opener, backoff, buses)
    {
        _settings = settings;
    }

    protected override TimeSpan? StatusInterval => _settings.Status;

    protected override TimeSpan FullPollInterval => _onMains && _settings.MainsPoll is { } mains ? mains : PollInterval;

    public override IReadOnlyList<string> Commands { get; } = [.. MustRegisterMap.Commands.Keys.Order(StringComparer.Ordinal)];

    /// <summary>No identity register exists; machine type, firmware and work state are a real read of the main block.</summary>
    protected override async Task VerifyAsync(IModbusClient master, CancellationToken ct)
    {
        await master.ReadHoldingRegistersAsync(_settings.Slave, MustRegisterMap.MainStart, 3, ct).ConfigureAwait(false);
        _slowDue = true;
        _main = null;
        _onMains = false;
        _calmPolls = 0;
    }

    protected override async Task PollStatusAsync(IModbusClient client, IReadingSink sink, CancellationToken ct)
    {
        if (_main is not { } main) return;
        var request = ModbusRequest.Read(_settings.Slave, ModbusFunction.ReadHoldingRegisters, MustRegisterMap.WorkState, 1);
        var workState = (await client.ExecuteAsync(request, urgent: true, ct).ConfigureAwait(false)).Registers[0];
        const int index = MustRegisterMap.WorkState - MustRegisterMap.MainStart;
        if (workState == main[index]) return;
        var patched = (ushort[])main.Clone();
        patched[index] = workState;
        Publish(patched, sink, fromStatusRead: true);
    }

    protected override async Task PollAsync(IModbusClient master, IReadingSink sink, CancellationToken ct)
    {
        var main = await master.ReadHoldingRegistersAsync(_settings.Slave, MustRegisterMap.MainStart, MustRegisterMap.MainCount, ct).ConfigureAwait(false);
        if (_slowDue || Time.GetElapsedTime(_slowReadAt) >= _settings.SlowPoll)
        {
            _slow = await ReadSlowBlockAsync(master, ct).ConfigureAwait(false);
            _slowReadAt = Time.GetTimestamp();
            _slowDue = false;
        }
        Publish(main, sink, fromStatusRead: false);
    }

    private void Publish(ushort[] main, IReadingSink sink, bool fromStatusRead)
    {
        _main = main;
        // The pace is set before decoding, so the reading's MaxAge is three intervals of the pace that follows it.
        // Anything but line and well makes it fast at once; only full polls on line make it slow again.
        if (_settings.MainsPoll is null || !OnMainsAndWell(main)) _calmPolls = 0;
        else if (!fromStatusRead) _calmPolls++;
        var onMains = _calmPolls >= CalmPollsBeforeMainsPace;
        if (_onMains && !onMains && fromStatusRead) FullPollNext();
        _onMains = onMains;
        var reading = MustReadingDecoder.Decode(DeviceId, Time.GetUtcNow(), MaxAge, main, _slow, _settings.LowBatteryPercent, out var problem);
        if (reading is null)
        {
            Counters.CountBadReading();
            if (problem != _lastProblem) Log.LogWarning("{Device}: reading rejected: {Problem}", DeviceId, problem);
            _lastProblem = problem;
            return;
        }
        _lastProblem = null;
        sink.Publish(reading);
    }

    /// <summary>
    /// Work state 4 (line: the load runs on mains) with no fault id, load alarm or alarm bit. Every other state,
    /// including grid charge and the states that say nothing about the load's supply, keeps the full poll fast.
    /// </summary>
    private static bool OnMainsAndWell(ushort[] main)
    {
        if (main.Length < MustRegisterMap.MainCount) return false;
        ushort At(ushort register) => main[register - MustRegisterMap.MainStart];
        return At(MustRegisterMap.WorkState) == (ushort)MustWorkState.Line && At(MustRegisterMap.FaultId) == 0
            && At(MustRegisterMap.LoadState) == 0 && At(MustRegisterMap.AlarmBits) == 0;
    }

    private async Task<ushort[]> ReadSlowBlockAsync(IModbusClient master, CancellationToken ct)
    {
        try
        {
            return await master.ReadHoldingRegistersAsync(_settings.Slave, MustRegisterMap.SlowStart, MustRegisterMap.SlowCount, ct).ConfigureAwait(false);
        }
        catch (ModbusSlaveException e) when (e.Code == ModbusExceptionCode.IllegalDataAddress)
        {
            // Some firmware may refuse the long block; the vendor software reads only the first ten registers.
            Log.LogDebug("{Device}: 31000×{Count} refused, reading 31000×10", DeviceId, MustRegisterMap.SlowCount);
            return await master.ReadHoldingRegistersAsync(_settings.Slave, MustRegisterMap.SlowStart, 10, ct).ConfigureAwait(false);
        }
    }

    public override async Task<DeviceCommandResult> ExecuteAsync(string command, CancellationToken cancellationToken)
    {
        if (!MustRegisterMap.Commands.TryGetValue(command, out var write)) return DeviceCommandResult.NotSupported(command);
        if (Client is null) return DeviceCommandResult.Unavailable($"{DeviceId} is not connected");
        try
        {
            await WaitForCommandTurnAsync(cancellationToken).ConfigureAwait(false);
            if (Client is not { } master) return DeviceCommandResult.Unavailable($"{DeviceId} is not connected");
            try
            {
                await master.WriteMultipleRegistersAsync(_settings.Slave, write.Register, [write.Value], cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                CommandDone();
            }
            if (write.Register == MustRegisterMap.BeeperSetting) _slowDue = true;
            Log.LogInformation("{Device}: command {Command} sent (register {Register} = {Value})", DeviceId, command, write.Register, write.Value);
            return DeviceCommandResult.Ok();
        }
        catch (Exception e) when (e is ModbusError or IOException)
        {
            Log.LogWarning("{Device}: command {Command} failed: {Error}", DeviceId, command, e.Message);
            return DeviceCommandResult.Failed(e.Message);
        }
    }
}
