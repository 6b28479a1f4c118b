using Gateway.Drivers.Readings;

namespace Gateway.Policy;

/// <summary>
/// One input to the policy: what the protected UPS said (if anything new) and the time. <paramref name="Monotonic"/>
/// measures every duration (it never jumps); <paramref name="Wall"/> is only for display and for history kept across restarts.
/// </summary>
/// <param name="Reading">A new reading, or null for a clock tick / link change.</param>
/// <param name="Link">The link state of the protected UPS right now.</param>
/// <param name="SelfTest">A battery self-test the gateway started on the UPS runs: its OB is the test, not an outage.</param>
public readonly record struct PolicyObservation(TimeSpan Monotonic, DateTimeOffset Wall, UpsReading? Reading, LinkState Link, bool SelfTest = false);
