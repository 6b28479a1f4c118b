namespace Gateway.Battery;

/// <summary>One scheduled battery self-test: when it was started, how the command went and what the UPS reported.</summary>
/// <param name="Result">The UPS's <c>ups.test.result</c> after the test, or why there is none (e.g. "no result within 10m").</param>
public sealed record BatterySelfTestResult(DateTimeOffset At, string Device, string Command, string Result);
