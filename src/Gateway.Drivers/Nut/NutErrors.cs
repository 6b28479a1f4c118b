namespace Gateway.Drivers.Nut;

/// <summary>upsd's error words (<c>ERR WORD</c>), docs/net-protocol.txt.</summary>
public static class NutErrors
{
    public const string AccessDenied = "ACCESS-DENIED";
    public const string UnknownUps = "UNKNOWN-UPS";
    public const string VarNotSupported = "VAR-NOT-SUPPORTED";
    public const string CmdNotSupported = "CMD-NOT-SUPPORTED";
    public const string InvalidArgument = "INVALID-ARGUMENT";
    public const string InstcmdFailed = "INSTCMD-FAILED";
    public const string SetFailed = "SET-FAILED";
    public const string ReadOnly = "READONLY";
    public const string TooLong = "TOO-LONG";
    public const string FeatureNotSupported = "FEATURE-NOT-SUPPORTED";
    public const string FeatureNotConfigured = "FEATURE-NOT-CONFIGURED";
    public const string AlreadySslMode = "ALREADY-SSL-MODE";
    public const string DriverNotConnected = "DRIVER-NOT-CONNECTED";
    public const string DataStale = "DATA-STALE";
    public const string AlreadyLoggedIn = "ALREADY-LOGGED-IN";
    public const string InvalidPassword = "INVALID-PASSWORD";
    public const string AlreadySetPassword = "ALREADY-SET-PASSWORD";
    public const string InvalidUsername = "INVALID-USERNAME";
    public const string AlreadySetUsername = "ALREADY-SET-USERNAME";
    public const string UsernameRequired = "USERNAME-REQUIRED";
    public const string PasswordRequired = "PASSWORD-REQUIRED";
    public const string UnknownCommand = "UNKNOWN-COMMAND";
    public const string InvalidValue = "INVALID-VALUE";
    public const string Unknown = "UNKNOWN";
    public const string Failed = "FAILED";
}
