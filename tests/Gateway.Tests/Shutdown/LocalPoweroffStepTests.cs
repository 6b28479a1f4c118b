using Gateway.Configuration;
using Gateway.Shutdown;
using Gateway.Shutdown.Steps;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Shutdown;

public class LocalPoweroffStepTests
{
    [Theory]
    [InlineData(143, "ok", "ended by SIGTERM (exit 143) while the machine went down")]
    [InlineData(1, "failed", "systemctl poweroff: exit code 1")]
    public async Task SystemctlPoweroffEndedByThePoweroffItStartedIsOk(int exit, string outcome, string detail)
    {
        // Seen in packaging/outage-drill.sh: systemctl waits for the job, and the power-off stops gateway.service with it.
        var time = new FakeTimeProvider();
        var exec = new FakeCommandExecutor(time).Fail("systemctl poweroff", exit, "");
        var ctx = new ShutdownStepContext(false, exec, time, NullLogger.Instance, "test");
        var r = await new LocalPoweroffStep(new LocalStepOptions(true, "systemctl poweroff", TimeSpan.Zero)).RunAsync(ctx, default);
        Assert.Equal(outcome, r.Outcome);
        Assert.Contains(detail, r.Detail);
    }
}
