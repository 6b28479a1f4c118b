namespace Gateway.Commands;

/// <summary>Process exit codes: 0 ok, 1 unexpected failure, 2 bad configuration or arguments.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Failure = 1;
    public const int BadInput = 2;
}
