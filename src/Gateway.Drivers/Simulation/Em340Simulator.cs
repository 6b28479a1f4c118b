using Gateway.Drivers.Em340;
using Gateway.Drivers.Modbus;

namespace Gateway.Drivers.Simulation;

/// <summary>
/// A simulated EM340 (model code 341) with the real register layout: INT32 low word first, ×10/×1000
/// scaling, 3-decimal energy counters, measurement mode A or B (register 0x1103, writable with FC06).
/// Loads wander on three phases and L3 has a PV feed-in, so in mode B its power goes negative and the
/// export counter runs. The meter is powered from the mains it measures: when the mains is lost it is silent.
/// </summary>
public sealed class Em340Simulator : IModbusSlaveDevice
{
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly Random _random;
    private long _last;
    private bool _mains = true;
    private int _missRequests;
    private ushort _mode = 1;
    private readonly double[] _load = [600, 350, 450];
    private double _pv = 700;
    private readonly double[] _volts = [231, 229.5, 230.4];
    private double _import = 1234.567, _export = 89.012, _importQ = 321.5, _exportQ = 12.25;
    private readonly double[] _phaseImport = [500, 400, 334.567];

    public Em340Simulator(TimeProvider time, byte address = Em340RegisterMap.DefaultAddress, int? seed = null, bool decimalEnergies = true, string serial = "235411W")
    {
        _time = time;
        _random = seed is { } s ? new Random(s) : new Random();
        Address = address;
        DecimalEnergies = decimalEnergies;
        SerialNumber = serial;
        _last = time.GetTimestamp();
    }

    public byte Address { get; }
    public bool DecimalEnergies { get; }
    public string SerialNumber { get; }
    public long Requests => Interlocked.Read(ref _requests);
    private long _requests;

    public bool MainsPresent { get { lock (_lock) return _mains; } }
    public void LoseMains() { lock (_lock) { Advance(); _mains = false; } }
    public void RestoreMains() { lock (_lock) { Advance(); _mains = true; } }
    /// <summary>Stays silent for the next <paramref name="count"/> requests (line noise, a busy meter).</summary>
    public void MissRequests(int count) { lock (_lock) _missRequests = count; }
    public char Mode { get { lock (_lock) return _mode == 0 ? 'A' : 'B'; } }

    public bool Answers()
    {
        lock (_lock)
        {
            if (!_mains) return false;
            if (_missRequests > 0) { _missRequests--; return false; }
            return true;
        }
    }

    private void Advance()
    {
        var now = _time.GetTimestamp();
        var dt = _time.GetElapsedTime(_last, now).TotalSeconds;
        _last = now;
        if (dt <= 0 || !_mains) return;
        var k = Math.Sqrt(Math.Min(dt, 3600));
        for (var i = 0; i < 3; i++)
        {
            _load[i] = Math.Clamp(_load[i] + (_random.NextDouble() - 0.5) * 40 * k, 80, 2500);
            _volts[i] = Math.Clamp(_volts[i] + (_random.NextDouble() - 0.5) * 0.8 * k, 222, 240);
        }
        _pv = Math.Clamp(_pv + (_random.NextDouble() - 0.5) * 60 * k, 0, 1500);
        for (var i = 0; i < 3; i++)
        {
            var p = PhasePower(i);
            var kwh = Math.Abs(p) * dt / 3_600_000;
            if (p >= 0) { _phaseImport[i] += kwh; _import += kwh; }
            else if (_mode == 1) _export += kwh;
            var q = p * 0.33;
            if (q >= 0) _importQ += Math.Abs(q) * dt / 3_600_000;
            else _exportQ += Math.Abs(q) * dt / 3_600_000;
        }
    }

    private double PhasePower(int phase)
    {
        var p = phase == 2 ? _load[2] - _pv : _load[phase];
        return _mode == 0 ? Math.Abs(p) : p;
    }

    private static void Put32(Dictionary<ushort, ushort> map, ushort address, long value)
    {
        var v = (int)Math.Clamp(value, int.MinValue, int.MaxValue);
        map[address] = (ushort)(v & 0xFFFF);
        map[(ushort)(address + 1)] = (ushort)((uint)v >> 16);
    }

    /// <summary>The register image as the meter would report it now.</summary>
    public Dictionary<ushort, ushort> Image()
    {
        lock (_lock)
        {
            Advance();
            var m = new Dictionary<ushort, ushort>(256);
            for (ushort a = 0; a <= 0x0051; a++) m[a] = 0;
            double sumP = 0, sumS = 0, sumQ = 0;
            for (var i = 0; i < 3; i++)
            {
                var p = PhasePower(i);
                var s = Math.Abs(p) / 0.95;
                var q = Math.Sqrt(Math.Max(0, s * s - p * p)) * Math.Sign(p == 0 ? 1 : p);
                var amps = s / _volts[i] * (_mode == 1 && p < 0 ? -1 : 1);
                sumP += p; sumS += s; sumQ += q;
                Put32(m, (ushort)(0x00 + 2 * i), (long)Math.Round(_volts[i] * 10));
                Put32(m, (ushort)(0x06 + 2 * i), (long)Math.Round(_volts[i] * Math.Sqrt(3) * 10));
                Put32(m, (ushort)(0x0C + 2 * i), (long)Math.Round(amps * 1000));
                Put32(m, (ushort)(0x12 + 2 * i), (long)Math.Round(p * 10));
                Put32(m, (ushort)(0x18 + 2 * i), (long)Math.Round(s * 10));
                Put32(m, (ushort)(0x1E + 2 * i), (long)Math.Round(q * 10));
                m[(ushort)(0x2E + i)] = unchecked((ushort)(short)Math.Round((p < 0 && _mode == 1 ? -0.95 : 0.95) * 1000));
                Put32(m, (ushort)(0x40 + 2 * i), (long)Math.Round(_phaseImport[i] * 10));
            }
            var vAvg = (_volts[0] + _volts[1] + _volts[2]) / 3;
            Put32(m, 0x24, (long)Math.Round(vAvg * 10));
            Put32(m, 0x26, (long)Math.Round(vAvg * Math.Sqrt(3) * 10));
            Put32(m, 0x28, (long)Math.Round(sumP * 10));
            Put32(m, 0x2A, (long)Math.Round(sumS * 10));
            Put32(m, 0x2C, (long)Math.Round(sumQ * 10));
            m[0x31] = unchecked((ushort)(short)Math.Round((sumP < 0 && _mode == 1 ? -1 : 1) * Math.Abs(sumP) / Math.Max(1, sumS) * 1000));
            m[0x32] = 0;
            m[0x33] = 500;
            Put32(m, 0x34, (long)(_import * 10));
            Put32(m, 0x36, (long)(_importQ * 10));
            Put32(m, 0x38, (long)Math.Round(sumP * 10));
            Put32(m, 0x3A, (long)Math.Round(Math.Max(sumP, 4000) * 10));
            Put32(m, 0x3C, (long)(_import * 10));
            Put32(m, 0x3E, (long)(_importQ * 10));
            Put32(m, 0x46, (long)(_import * 10));
            Put32(m, 0x4E, (long)(_export * 10));
            Put32(m, 0x50, (long)(_exportQ * 10));
            if (DecimalEnergies)
            {
                PutDecimal(m, 0x0400, _import);
                PutDecimal(m, 0x0404, _importQ);
                PutDecimal(m, 0x0408, _export);
                PutDecimal(m, 0x040C, _exportQ);
            }
            m[0x0302] = 0;
            m[0x0303] = 3;
            for (var i = 0; i < Em340RegisterMap.SerialNumberWords; i++)
                m[(ushort)(Em340RegisterMap.SerialNumber + i)] = i < SerialNumber.Length ? SerialNumber[i] : (ushort)0;
            m[0x5010] = 2021;
            m[0x1002] = 0;
            m[Em340RegisterMap.MeasurementMode] = _mode;
            return m;
        }
    }

    private static void PutDecimal(Dictionary<ushort, ushort> m, ushort address, double kwh)
    {
        var whole = Math.Floor(kwh);
        Put32(m, address, (long)whole);
        Put32(m, (ushort)(address + 2), (long)Math.Floor((kwh - whole) * 1000));
    }

    public ModbusExceptionCode? Read(ModbusFunction function, ushort address, ushort count, Span<ushort> into)
    {
        Interlocked.Increment(ref _requests);
        if (count > 50) return ModbusExceptionCode.IllegalDataValue;
        if (address == Em340RegisterMap.ModelCode && count == 1)
        {
            into[0] = 341;
            return null;
        }
        var image = Image();
        for (var i = 0; i < count; i++)
        {
            if (!image.TryGetValue((ushort)(address + i), out var v)) return ModbusExceptionCode.IllegalDataAddress;
            into[i] = v;
        }
        return null;
    }

    public ModbusExceptionCode? Write(ModbusFunction function, ushort address, ReadOnlySpan<ushort> values)
    {
        Interlocked.Increment(ref _requests);
        if (function != ModbusFunction.WriteSingleRegister) return ModbusExceptionCode.IllegalFunction;
        if (address != Em340RegisterMap.MeasurementMode) return ModbusExceptionCode.IllegalDataAddress;
        if (values[0] > 1) return ModbusExceptionCode.IllegalDataValue;
        lock (_lock)
        {
            Advance();
            _mode = values[0];
        }
        return null;
    }
}
