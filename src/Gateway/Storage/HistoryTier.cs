namespace Gateway.Storage;

/// <summary>The resolutions history is kept at; a query reads the finest tier that still covers its start.</summary>
public enum HistoryTier
{
    /// <summary>Changes at <c>history.interval</c> (10 s): a row holds only the values that moved beyond the deadband.</summary>
    Raw,

    /// <summary>1-minute mean, minimum and maximum of every value.</summary>
    Minute,

    /// <summary>15-minute mean, minimum and maximum of every value.</summary>
    Quarter,
}
