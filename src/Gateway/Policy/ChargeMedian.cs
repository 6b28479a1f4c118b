namespace Gateway.Policy;

/// <summary>
/// The median of the last three charge readings: one glitched frame (a charge of 0 % between two of 80 %) neither
/// fires the low-charge trigger nor bends the depletion rate, while a real fall passes after one more reading.
/// </summary>
public sealed class ChargeMedian
{
    private readonly double[] _last = new double[3];
    private int _count;

    public double Add(double charge)
    {
        _last[0] = _last[1];
        _last[1] = _last[2];
        _last[2] = charge;
        if (_count < 3) _count++;
        return _count switch
        {
            1 => charge,
            2 => Math.Max(_last[1], _last[2]),
            _ => Math.Max(Math.Min(_last[0], _last[1]), Math.Min(Math.Max(_last[0], _last[1]), _last[2])),
        };
    }

    public void Clear() => _count = 0;
}
