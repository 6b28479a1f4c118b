namespace Gateway.Drivers.Nut;

/// <summary>A typed NUT failure. <see cref="ErrorWord"/> is the server's <c>ERR</c> word when there was one.</summary>
public sealed class NutException : Exception
{
    public NutException(NutErrorKind kind, string message, string? errorWord = null, Exception? inner = null)
        : base(message, inner)
    {
        Kind = kind;
        ErrorWord = errorWord;
    }

    public NutErrorKind Kind { get; }
    public string? ErrorWord { get; }

    /// <summary>Classifies a server's <c>ERR</c> word.</summary>
    public static NutErrorKind KindOf(string errorWord) => errorWord switch
    {
        NutErrors.AccessDenied or NutErrors.UsernameRequired or NutErrors.PasswordRequired
            or NutErrors.InvalidPassword or NutErrors.InvalidUsername => NutErrorKind.Authentication,
        NutErrors.UnknownUps or NutErrors.VarNotSupported or NutErrors.CmdNotSupported
            or NutErrors.FeatureNotConfigured or NutErrors.FeatureNotSupported => NutErrorKind.Configuration,
        NutErrors.DataStale or NutErrors.DriverNotConnected => NutErrorKind.Stale,
        _ => NutErrorKind.Protocol,
    };

    public static NutException FromServer(string errorWord, string request) =>
        new(KindOf(errorWord), $"server answered ERR {errorWord} to '{request}'", errorWord);
}
