namespace Gateway.Tests.Safety;

/// <summary>
/// The fault matrix: every scenario with its expected outcome, the same rows as the table in docs/safety.md. Times
/// are seconds from the start of the script. Defaults: readings every 1 s, on_battery_delay 5 s, trigger_readings 3,
/// power_back_readings 3, link_lost_after 90 s, max_time_on_battery 15 min, critical_runtime 10 min, low battery 20 %;
/// the sequence is sync (20 s) then, past the point of no return, this host's poweroff.
/// </summary>
public static class FaultMatrix
{
    private const string Pol = "policy: ";

    public static IReadOnlyList<FaultScenario> All { get; } =
    [
        // Blinks of every length around on_battery_delay (5 s).
        new("blink", "blink 1.3 s", "OL 10s | OB 1.3s | OL 60s", "ends normal"),
        new("blink", "blink 1 s", "OL 10s | OB 1s | OL 60s", "ends normal"),
        new("blink", "blink 3 s", "OL 10s | OB 3s | OL 60s", "ends normal"),
        new("blink", "blink 4.75 s", "OL 10s | OB 4.75s | OL 60s", "ends normal"),
        new("blink", "blink 5 s (= delay)", "OL 10s | OB 5s | OL 60s", "ends normal"),
        new("blink", "blink 5.25 s", "OL 10s | OB 5.25s | OL 60s", "on battery at 15s; power back at 18s; ends normal"),
        new("blink", "blink 7 s", "OL 10s | OB 7s | OL 60s", "on battery at 15s; power back at 19s; ends normal"),
        new("blink", "blink 4 s, runtime already short", "OL 10s | OB 4s r=300 | OL 60s", "ends normal"),
        new("blink", "blink 6 s, runtime already short", "OL 10s | OB 6s r=300 | OL 60s", "fires runtime at 15s; cancelled at 18s; ends normal"),
        new("blink", "blink with LB (Eaton style)", "OL 10s | OB+LB 3s | OL 60s", "ends normal"),
        new("blink", "two blinks 3 s apart", "OL 10s | OB 3s | OL 1s | OB 3s | OL 60s", "ends normal"),

        // The case: a blink, then the USB adapter resets.
        new("blink + link", "blink 1.3 s, OL, link drops 6 s", "OL 10s | OB 1.3s | OL 1s | lost 6s | OL 60s", "ends normal"),
        new("blink + link", "blink 1.3 s, link drops 6 s at once", "OL 10s | OB 1.3s | lost 6s | OL 60s", "ends normal"),
        new("blink + link", "blink 1.3 s, link drops 60 s, back OL", "OL 10s | OB 1.3s | lost 60s | OL 60s", "ends normal"),
        new("blink + link", "one OB frame, link gone for good", "OL 10s | OB 1s | lost 200s", "ends normal"),
        new("blink + link", "blink 1.3 s, link gone for good", "OL 10s | OB 1.3s | lost 200s", "fires link_lost at 101s; poweroff at 121s; ends shutting_down"),
        new("blink + link", "blink 1.3 s, link gone 100 s, back OL", "OL 10s | OB 1.3s | lost 100s | OL 60s", "fires link_lost at 101s; cancelled at 114s; ends normal"),

        // Link drops before and after confirmation.
        new("link", "link lost on line power", "OL 10s | lost 300s | OL 10s", "ends normal"),
        new("link", "link lost 3 s into an outage, never back", "OL 10s | OB 3s | lost 200s", "fires link_lost at 102s; poweroff at 122s; ends shutting_down"),
        new("link", "link lost after confirmation, never back", "OL 10s | OB 30s | lost 200s", "on battery at 15s; fires link_lost at 129s; poweroff at 149s; ends shutting_down"),
        new("link", "link gone 89 s after confirmation, back OB", "OL 10s | OB 30s | lost 89s | OB 30s", "on battery at 15s; ends on_battery"),
        new("link", "link gone 91 s after confirmation, back OB", "OL 10s | OB 30s | lost 91s | OB 30s", "on battery at 15s; fires link_lost at 129s; poweroff at 149s; ends shutting_down"),
        new("link", "link gone 60 s on battery, back OB", "OL 10s | OB 30s | lost 60s | OB 60s", "on battery at 15s; ends on_battery"),
        new("link", "failsafe fired, link back OL before the point of no return", "OL 10s | OB 30s | lost 100s | OL 30s", "on battery at 15s; fires link_lost at 129s; cancelled at 142s; ends normal"),
        new("link", "failsafe fired, link back OL after the point of no return", "OL 10s | OB 30s | lost 130s | OL 30s", "on battery at 15s; fires link_lost at 129s; poweroff at 149s; ends normal"),
        new("link", "failsafe fired, link back OB", "OL 10s | OB 30s | lost 100s | OB 60s", "on battery at 15s; fires link_lost at 129s; poweroff at 149s; ends shutting_down"),
        new("link", "failsafe fired, one OL frame, link gone again", "OL 10s | OB 30s | lost 95s | OL 1s | lost 60s", "on battery at 15s; fires link_lost at 129s; poweroff at 149s; ends shutting_down"),
        new("link", "link flaps on battery (5 s gone, 1 s back)", "OL 10s | OB 30s | lost 5s | OB 1s | lost 5s | OB 1s | lost 5s | OB 1s | lost 5s | OB 30s", "on battery at 15s; ends on_battery"),
        new("link", "stale link on a shorter floor", "OL 10s | OB 30s | lost 200s", "on battery at 15s; fires link_lost at 69s; poweroff at 89s; ends shutting_down", Pol + "link_lost_after: 30s"),

        // Restarts at every phase, with and without the link.
        new("restart", "restart on line power", "OL 10s | restart | OL 20s", "ends normal"),
        new("restart", "restart in an unconfirmed outage, back OB", "OL 10s | OB 3s | restart | OB 60s", "on battery at 15s; ends on_battery"),
        new("restart", "restart in an unconfirmed outage, link never back", "OL 10s | OB 3s | restart | lost 200s", "fires link_lost at 103s; poweroff at 123s; ends shutting_down"),
        new("restart", "restart in a confirmed outage, link never back", "OL 10s | OB 60s | restart | lost 200s", "on battery at 15s; fires link_lost at 160s; poweroff at 180s; ends shutting_down"),
        new("restart", "restart in a confirmed outage, back OB", "OL 10s | OB 60s | restart | OB 120s", "on battery at 15s; ends on_battery"),
        new("restart", "restart in a confirmed outage, back OL", "OL 10s | OB 60s | restart | OL 30s", "on battery at 15s; power back at 72s; ends normal"),
        new("restart", "restart in a confirmed outage, link back after 60 s OB", "OL 10s | OB 60s | restart | lost 60s | OB 60s", "on battery at 15s; ends on_battery"),
        new("restart", "stopped 20 min in an outage, power back meanwhile", "OL 10s | OB 60s | down 20m | OL 30s", "on battery at 15s; power back at 1272s; ends normal"),
        new("restart", "stopped 20 min in an outage, still on battery", "OL 10s | OB 60s | down 20m | OB 30s", "on battery at 15s; fires max_time_on_battery at 1270s; poweroff at 1290s; ends shutting_down"),
        new("restart", "stopped 20 min in an outage, link never back", "OL 10s | OB 60s | down 20m | lost 120s", "on battery at 15s; fires link_lost at 1360s; poweroff at 1380s; ends shutting_down"),
        new("restart", "stopped 20 min during the sequence, power back meanwhile", "OL 10s | OB 16s r=300 | down 20m | OL 60s", "fires runtime at 15s; resumes runtime at 1226s; cancelled at 1228s; ends normal"),
        new("restart", "restart keeps counting time on battery", "OL 10s | OB 10m | restart | OB 6m", "on battery at 15s; fires max_time_on_battery at 910s; poweroff at 930s; ends shutting_down"),
        new("restart", "restart during the sequence, back OB", "OL 10s | OB 16s r=300 | restart | OB 60s r=300", "fires runtime at 15s; resumes runtime at 26s; poweroff at 46s; ends shutting_down"),
        new("restart", "restart during the sequence, back OL", "OL 10s | OB 16s r=300 | restart | OL 60s", "fires runtime at 15s; resumes runtime at 26s; cancelled at 28s; ends normal"),
        new("restart", "restart during the sequence, link never back", "OL 10s | OB 16s r=300 | restart | lost 60s", "fires runtime at 15s; resumes runtime at 26s; poweroff at 46s; ends shutting_down"),
        new("restart", "restart after the point of no return, back OL", "OL 10s | OB 30s r=300 | restart | OL 60s", "fires runtime at 15s; poweroff at 35s; resumes runtime at 40s; poweroff at 40s; ends normal", "poweroff takes 10 s", PoweroffSeconds: 10),
        new("restart", "restart during a real sequence with dry run now configured", "OL 10s | OB 16s r=300 | restart-dry | OB 60s r=300", "fires runtime at 15s; resumes runtime (dry run) at 26s; dry run finished at 26s; ends shutting_down"),

        // Glitched frames.
        new("glitch", "one OB frame on line power", "OL 60s | OB 1s | OL 60s", "ends normal"),
        new("glitch", "one OL frame in a confirmed outage", "OL 10s | OB 30s | OL 1s | OB 30s", "on battery at 15s; ends on_battery"),
        new("glitch", "two OL frames after the trigger", "OL 10s | OB 10s r=300 | OL 2s | OB 40s r=300", "fires runtime at 15s; poweroff at 35s; ends shutting_down"),
        new("glitch", "one charge 0 % frame", "OL 10s | OB 30s c=90 | OB 1s c=0 | OB 60s c=90", "on battery at 15s; ends on_battery"),
        new("glitch", "two charge 5 % frames", "OL 10s | OB 30s c=90 | OB 2s c=5 | OB 60s c=90", "on battery at 15s; ends on_battery"),
        new("glitch", "one runtime 100 s frame", "OL 10s | OB 30s | OB 1s r=100 | OB 60s", "on battery at 15s; ends on_battery"),
        new("glitch", "runtime 0 (unknown) for a minute", "OL 10s | OB 30s | OB 60s r=0 | OB 30s", "on battery at 15s; ends on_battery"),
        new("glitch", "runtime -1 (unknown) for a minute", "OL 10s | OB 30s | OB 60s r=-1 | OB 30s", "on battery at 15s; ends on_battery"),
        new("glitch", "charge 150 % for a minute", "OL 10s | OB 90s c=150 | OL 10s", "on battery at 15s; power back at 102s; ends normal"),
        new("glitch", "one LB frame on battery", "OL 10s | OB 30s | OB+LB 1s | OB 30s", "on battery at 15s; ends on_battery"),
        new("glitch", "one FSD frame on line power", "OL 10s | FSD+OL 1s | OL 30s", "ends normal"),
        new("glitch", "one empty status frame in an outage", "OL 10s | OB 30s | empty 1s | OB 30s", "on battery at 15s; ends on_battery"),

        // Status flapping.
        new("flapping", "OB/OL every 2 s on line power", "OL 10s | OB 2s | OL 2s | OB 2s | OL 2s | OB 2s | OL 2s | OB 2s | OL 2s | OB 2s | OL 30s", "ends normal"),
        new("flapping", "OL/OB every second in a confirmed outage", "OL 10s | OB 30s | OL 1s | OB 1s | OL 1s | OB 1s | OL 1s | OB 1s | OL 2s | OB 30s", "on battery at 15s; ends on_battery"),
        new("flapping", "OL 2 s / OB 2 s after the trigger", "OL 10s | OB 10s r=300 | OL 2s | OB 2s r=300 | OL 2s | OB 2s r=300 | OL 2s | OB 30s r=300", "fires runtime at 15s; poweroff at 35s; ends shutting_down"),

        // CAL, LB, WAIT and impossible statuses.
        new("status", "self-test (OB CAL)", "OL 10s | OB+CAL 60s | OL 10s", "ends normal"),
        new("status", "self-test with LB", "OL 10s | OB+CAL+LB 30s", "fires ups_low_battery at 15s; poweroff at 35s; ends shutting_down"),
        new("status", "CAL frames in a confirmed outage", "OL 10s | OB 30s | OB+CAL 10s | OB 30s", "on battery at 15s; ends on_battery"),
        new("status", "WAIT for a minute in an outage", "OL 10s | OB 30s | WAIT 60s | OB 10s", "on battery at 15s; ends on_battery"),
        new("status", "WAIT at start-up", "WAIT 30s | OL 30s", "ends normal"),
        new("status", "OL and OB together", "OL 10s | OL+OB 60s | OL 10s", "ends normal"),
        new("status", "LB on line power", "OL 10s | OL+LB 60s", "ends normal"),
        new("status", "CAL and WAIT after the trigger do not cancel", "OL 10s | OB 10s r=300 | OL+CAL 5s | WAIT 5s | OB 30s r=300", "fires runtime at 15s; poweroff at 35s; ends shutting_down"),
        new("status", "FSD from the primary, 3 frames", "OL 10s | FSD+OL 30s", "fires fsd at 12s; poweroff at 32s; ends shutting_down"),
        new("status", "LB on battery, 3 frames", "OL 10s | OB 30s | OB+LB 30s", "on battery at 15s; fires ups_low_battery at 42s; poweroff at 62s; ends shutting_down"),

        // Power back at every step.
        new("power back", "power back in a confirmed outage", "OL 10s | OB 30s | OL 30s", "on battery at 15s; power back at 42s; ends normal"),
        new("power back", "power back during sync", "OL 10s | OB 10s r=300 | OL 30s", "fires runtime at 15s; cancelled at 22s; ends normal"),
        new("power back", "third OL reading 1 s before the point of no return", "OL 10s | OB 22s r=300 | OL 30s", "fires runtime at 15s; cancelled at 34s; ends normal"),
        new("power back", "third OL reading at the point of no return", "OL 10s | OB 23s r=300 | OL 30s", "fires runtime at 15s; poweroff at 35s; ends normal"),
        new("power back", "power back after the point of no return", "OL 10s | OB 40s r=300 | OL 30s", "fires runtime at 15s; poweroff at 35s; ends normal"),
        new("power back", "power back after a dry run finished", "OL 10s | OB 30s r=300 | OL 30s", "fires runtime at 15s; dry run finished at 15s; ends normal", "dry run", DryRun: true),

        // Battery triggers and the time net.
        new("battery", "healthy battery, 14 min outage", "OL 10s | OB 14m | OL 10s", "on battery at 15s; power back at 852s; ends normal"),
        new("battery", "max_time_on_battery (15 min)", "OL 10s | OB 16m", "on battery at 15s; fires max_time_on_battery at 910s; poweroff at 930s; ends shutting_down"),
        new("battery", "max_time_on_battery off", "OL 10s | OB 16m", "on battery at 15s; ends on_battery", Pol + "max_time_on_battery: 0"),
        new("battery", "charge falls below 20 %", "OL 10s | OB 5m c=40..15", "on battery at 15s; fires low_battery at 254s; poweroff at 274s; ends shutting_down"),
        new("battery", "runtime falls below 10 min", "OL 10s | OB 5m r=900..500", "on battery at 15s; fires runtime at 238s; poweroff at 258s; ends shutting_down"),
        new("battery", "steep depletion after the grace", "OL 10s | OB 5m c=100..0", "on battery at 15s; fires depletion_rate at 132s; poweroff at 152s; ends shutting_down"),
        new("battery", "dry run, the whole sequence without a poweroff", "OL 10s | OB 60s r=300", "fires runtime at 15s; dry run finished at 15s; ends shutting_down", "dry run", DryRun: true),
    ];
}
