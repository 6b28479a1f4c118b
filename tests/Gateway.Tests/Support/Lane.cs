namespace Gateway.Tests.Support;

/// <summary>
/// Which test run includes a test. <c>./test.sh</c> (and CI) runs everything; <c>./test.sh --fast</c> leaves out
/// the tests marked <c>[Trait(Lane.Trait, Lane.FullOnly)]</c>: every test that starts the real binary or a real
/// server process (upsd, upsc/upsmon, mosquitto, sshd, chromium, pymodbus), every test that takes more than about
/// 2 s, and the long loops (the 200-kill power cut, the 50-unplug serial loss, the SIGKILL rounds, thousands of
/// connections, ten broker restarts). The fast lane keeps the unit, property and virtual-time tests and the light
/// in-process integration tests, in about a minute on 2 cores. Fuzz tests stay in it with a small budget (see
/// Reliability/FuzzBudget.cs).
/// </summary>
public static class Lane
{
    public const string Trait = "Lane";
    public const string FullOnly = "full-only";
}
