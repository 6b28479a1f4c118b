using Gateway.Drivers.Modbus;
using Gateway.Drivers.Must;

namespace Gateway.Drivers.Simulation;

/// <summary>
/// A simulated MUST EP20 (12 V class, 1000 W) with the real register layout. It evolves with time: load and
/// mains voltage wander, the battery charges on line (CC → CV → float) and drains on battery at a rate that
/// follows the load. It can be told to lose mains, restore it, raise a fault, or overload.
/// </summary>
public sealed class MustSimulator : IModbusSlaveDevice
{
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly Random _random;
    private long _last;
    private readonly ushort[] _settings = new ushort[MustRegisterMap.SlowCount];

    private bool _mains = true;
    private bool _outputOff;
    private bool _overload;
    private ushort _fault;
    private ushort? _forcedWorkState;
    private double _soc = 100;
    private readonly SimulatedBattery _battery;
    private double _loadWatts = 300;
    private double _gridVolts = 230;

    public const int RatedWatts = 1000;
    public const int BatteryClass = 12;

    /// <param name="batteryWattHours">Usable battery energy; the default (12 V × 20 Ah) lasts about 35 minutes at 300 W.</param>
    /// <param name="battery">The battery physics (default: a new 12 V 20 Ah battery scaled by <paramref name="batteryWattHours"/>).</param>
    public MustSimulator(TimeProvider time, byte address = MustRegisterMap.DefaultSlave, int? seed = null, double batteryWattHours = 240, SimulatedBattery? battery = null)
    {
        _battery = battery ?? new SimulatedBattery(capacityFactor: batteryWattHours / 240);
        _time = time;
        _random = seed is { } s ? new Random(s) : new Random();
        Address = address;
        BatteryWattHours = batteryWattHours;
        _last = time.GetTimestamp();
        RemoteShutdown = new MustRemoteShutdown(time);
        ushort[] defaults = [0, 230, 105, 144, 138, 10, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1];
        defaults.CopyTo(_settings, 0);
    }

    public byte Address { get; }
    /// <summary>The <c>shutdown.return</c> register's effect (output off, back when mains returns).</summary>
    public MustRemoteShutdown RemoteShutdown { get; }
    public bool OutputOn { get { lock (_lock) { Advance(); return !_outputOff; } } }
    public double BatteryWattHours { get; }
    public long Requests => Interlocked.Read(ref _requests);
    private long _requests;

    public bool MainsPresent { get { lock (_lock) return _mains; } }
    public double StateOfCharge { get { lock (_lock) { Advance(); return _soc; } } }
    /// <summary>How long the battery would last from now at the present load: the truth for runtime estimates.</summary>
    public double TrueRuntimeSeconds { get { lock (_lock) { Advance(); _battery.StateOfCharge = _soc; return _battery.RuntimeSeconds(LoadWatts / RatedWatts); } } }

    public void LoseMains() { lock (_lock) { Advance(); _mains = false; } }
    public void RestoreMains() { lock (_lock) { Advance(); _mains = true; _outputOff = false; RemoteShutdown.Released(); } }
    public void RaiseFault(ushort faultId) { lock (_lock) _fault = faultId; }
    public void ClearFault() { lock (_lock) _fault = 0; }
    public void SetOverload(bool overload) { lock (_lock) _overload = overload; }
    public void SetStateOfCharge(double percent) { lock (_lock) { Advance(); _soc = Math.Clamp(percent, 0, 100); } }
    /// <summary>Forces register 30002 (e.g. an invalid 0 or 9) until cleared with null.</summary>
    public void ForceWorkState(ushort? state) { lock (_lock) _forcedWorkState = state; }
    public bool BeeperEnabled { get { lock (_lock) return _settings[6] == 0; } }

    public bool Answers() => true;

    private void Advance()
    {
        if (_outputOff && RemoteShutdown.ReturnsNow(_mains)) _outputOff = false;
        var now = _time.GetTimestamp();
        var dt = _time.GetElapsedTime(_last, now).TotalSeconds;
        _last = now;
        if (dt <= 0) return;
        var steps = Math.Min(dt, 3600);
        _loadWatts = Math.Clamp(_loadWatts + (_random.NextDouble() - 0.5) * 20 * Math.Sqrt(steps), 150, 450);
        _gridVolts = Math.Clamp(_gridVolts + (_random.NextDouble() - 0.5) * 1.0 * Math.Sqrt(steps), 222, 238);
        _battery.StateOfCharge = _soc;
        if (_mains) _battery.Charge(steps);
        else if (!_outputOff) _battery.Discharge(LoadWatts / RatedWatts, steps);
        _soc = _battery.StateOfCharge;
        if (!_mains && _battery.Empty) _outputOff = true;
    }

    private double LoadWatts => _outputOff ? 0 : _overload ? RatedWatts * 1.15 : _loadWatts;

    private ushort WorkState => _forcedWorkState ?? (_outputOff ? (ushort)MustWorkState.PowerOff : _mains ? (ushort)MustWorkState.Line : (ushort)MustWorkState.Backup);

    private double BatteryVolts => _mains && _soc < 100 ? 13.2 + 0.012 * _soc : 11.6 + 0.016 * _soc - (_mains ? 0 : LoadWatts / 1000.0);

    /// <summary>The read-only block 30000–30026 as the UPS would report it now.</summary>
    public ushort[] MainBlock()
    {
        lock (_lock)
        {
            Advance();
            var r = new ushort[MustRegisterMap.MainCount];
            var outVolts = _outputOff ? 0 : 230 + (_mains ? (_gridVolts - 230) * 0.2 : 0);
            var load = LoadWatts;
            var batteryAmps = !_mains ? -(load / 0.85 / BatteryVolts) : _soc < 100 ? 5.0 : 0.2;
            r[0] = 0;
            r[1] = 103;
            r[2] = WorkState;
            r[3] = BatteryClass;
            r[4] = RatedWatts;
            r[5] = (ushort)Math.Round(_mains ? _gridVolts * 10 : 0);
            r[6] = (ushort)(_mains ? 500 : 0);
            r[7] = (ushort)Math.Round(outVolts * 10);
            r[8] = (ushort)(_outputOff ? 0 : 500);
            r[9] = (ushort)Math.Round(outVolts > 0 ? load / outVolts * 10 : 0);
            r[10] = (ushort)Math.Round(load);
            r[12] = (ushort)Math.Round(load * 100 / RatedWatts);
            r[13] = (ushort)(_overload ? 2 : 0);
            r[14] = (ushort)Math.Round(BatteryVolts * 10);
            r[15] = unchecked((ushort)(short)Math.Round(batteryAmps * 10));
            r[17] = (ushort)Math.Round(_soc);
            r[18] = (ushort)Math.Round(28 + load / 60);
            r[19] = (ushort)(!_mains ? 0 : _gridVolts < 225 ? 2 : _gridVolts > 236 ? 1 : 0);
            r[20] = (ushort)(!_mains && _settings[6] == 0 ? 1 : 0);
            r[21] = _fault;
            r[22] = (ushort)((!_mains && _soc <= 10 ? 1 << MustRegisterMap.AlarmBitBatteryLow : 0) | (_overload ? 1 << MustRegisterMap.AlarmBitOverload : 0));
            r[23] = (ushort)(_soc < 80 ? 0 : _soc < 100 ? 1 : 2);
            r[24] = (ushort)(_mains ? 1 : 0);
            r[25] = 1;
            r[26] = 0;
            return r;
        }
    }

    public ModbusExceptionCode? Read(ModbusFunction function, ushort address, ushort count, Span<ushort> into)
    {
        Interlocked.Increment(ref _requests);
        if (function != ModbusFunction.ReadHoldingRegisters) return ModbusExceptionCode.IllegalFunction;
        var end = address + count;
        if (address >= MustRegisterMap.MainStart && end <= MustRegisterMap.MainStart + MustRegisterMap.MainCount)
        {
            MainBlock().AsSpan(address - MustRegisterMap.MainStart, count).CopyTo(into);
            return null;
        }
        if (address >= MustRegisterMap.SlowStart && end <= MustRegisterMap.SlowStart + MustRegisterMap.SlowCount)
        {
            lock (_lock) _settings.AsSpan(address - MustRegisterMap.SlowStart, count).CopyTo(into);
            return null;
        }
        return ModbusExceptionCode.IllegalDataAddress;
    }

    public ModbusExceptionCode? Write(ModbusFunction function, ushort address, ReadOnlySpan<ushort> values)
    {
        Interlocked.Increment(ref _requests);
        if (function != ModbusFunction.WriteMultipleRegisters) return ModbusExceptionCode.IllegalFunction;
        lock (_lock)
        {
            Advance();
            if (address >= MustRegisterMap.SlowStart && address + values.Length <= MustRegisterMap.SlowStart + MustRegisterMap.SlowCount)
            {
                values.CopyTo(_settings.AsSpan(address - MustRegisterMap.SlowStart));
                return null;
            }
            if (address is >= 32000 and <= 32002 && values.Length == 1)
            {
                if (values[0] != 1) return null;
                if (address == MustRegisterMap.RemoteShutdown)
                {
                    RemoteShutdown.Commanded(_mains);
                    _outputOff = true;
                }
                return null;
            }
            return ModbusExceptionCode.IllegalDataAddress;
        }
    }
}
