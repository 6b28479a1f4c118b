namespace Gateway.Drivers.Simulation;

/// <summary>
/// The battery of a simulated UPS: a lead-acid battery whose runtime falls faster than the load rises (Peukert: a
/// full battery lasts <c>FullLoadSeconds / load^Exponent</c>, load as a fraction of the rating, never below 10 %
/// effective). It charges on line (fast to 80 %, then slower to 100 %) and drains on battery at the rate its load
/// dictates. <see cref="RuntimeSeconds"/> is the truth a runtime estimate is measured against.
/// </summary>
/// <param name="fullLoadSeconds">Runtime of a full, new battery at 100 % load.</param>
/// <param name="exponent">How much longer a lighter load lasts (1.3 is typical of a small sealed lead-acid battery).</param>
/// <param name="capacityFactor">Capacity relative to new (0.7 for an aged battery).</param>
public sealed class SimulatedBattery(double fullLoadSeconds = 430, double exponent = 1.3, double capacityFactor = 1)
{
    private double _soc = 100;

    public double FullLoadSeconds => fullLoadSeconds;
    public double Exponent => exponent;
    public double CapacityFactor => capacityFactor;

    /// <summary>State of charge, 0–100 %.</summary>
    public double StateOfCharge
    {
        get => _soc;
        set => _soc = Math.Clamp(value, 0, 100);
    }

    public bool Empty => _soc <= 0;

    /// <summary>Charges from line power for <paramref name="seconds"/>.</summary>
    public void Charge(double seconds)
    {
        var rate = _soc < 80 ? 0.05 : _soc < 100 ? 0.02 : 0;
        _soc = Math.Min(100, _soc + rate * seconds);
    }

    /// <summary>Feeds <paramref name="loadFraction"/> of the UPS rating from the battery for <paramref name="seconds"/>.</summary>
    public void Discharge(double loadFraction, double seconds)
    {
        _soc = Math.Max(0, _soc - 100 * Effective(loadFraction) * seconds / (fullLoadSeconds * capacityFactor));
    }

    /// <summary>How long the battery lasts from now at a constant <paramref name="loadFraction"/>.</summary>
    public double RuntimeSeconds(double loadFraction) => _soc / 100 * fullLoadSeconds * capacityFactor / Effective(loadFraction);

    private double Effective(double loadFraction) => Math.Max(Math.Pow(Math.Max(0, loadFraction), exponent), 0.1);
}
