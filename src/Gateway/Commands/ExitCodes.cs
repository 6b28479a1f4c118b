namespace Gateway.Commands;

/// <summary>Process exit codes: 0 ok, 1 unexpected failure, 2 bad configuration or arguments, 75 restart to apply a configuration.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Failure = 1;
    public const int BadInput = 2;
    /// <summary>
    /// <c>gateway run</c> stopped to apply a configuration change that needs a restart; systemd starts it again
    /// (gateway.service: <c>RestartForceExitStatus=75</c>, <c>SuccessExitStatus=75</c>). EX_TEMPFAIL in sysexits.h.
    /// </summary>
    public const int RestartRequested = 75;
}
