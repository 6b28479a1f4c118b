namespace Gateway.Tests.Support;

/// <summary>
/// Which test run includes a test. <c>./test.sh</c> (and CI) runs everything; <c>./test.sh --fast</c> leaves out
/// the tests marked <c>[Trait(Lane.Trait, Lane.FullOnly)]</c>: long loops (the 200-kill power cut, the 50-unplug
/// serial loss, the SIGKILL rounds, thousands of connections, ten broker restarts) and the reliability scenarios
/// that wait out real timeouts (upstream NUT loss), whose point is repetition or endurance, not a new behaviour.
/// Fuzz tests stay in the fast lane with a small budget (see Reliability/FuzzBudget.cs).
/// </summary>
public static class Lane
{
    public const string Trait = "Lane";
    public const string FullOnly = "full-only";
}
