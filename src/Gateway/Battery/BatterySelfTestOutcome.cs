namespace Gateway.Battery;

/// <summary>
/// What a self-test came to, from NUT's <c>ups.test.result</c> words ("Done and passed", "Done and warning",
/// "Done and error", "Aborted", …): passed, warning, failed (the UPS found a fault, or the test could not run or end).
/// </summary>
public static class BatterySelfTestOutcome
{
    public const string Passed = "passed";
    public const string Warning = "warning";
    public const string Failed = "failed";

    public static string Of(BatterySelfTestResult t)
    {
        if (t.Command != "ok") return Failed;
        var r = t.Result;
        if (r.Contains("passed", StringComparison.OrdinalIgnoreCase)) return Passed;
        if (r.Contains("warning", StringComparison.OrdinalIgnoreCase)) return Warning;
        return Failed;
    }
}
