namespace Gateway.Migration;

/// <summary>What became of one setting of the old tool.</summary>
public enum ImportItemStatus
{
    /// <summary>Written to the new configuration with the same meaning.</summary>
    Mapped,
    /// <summary>Written, but the user should look at it (a placeholder, a derived value, a changed behaviour).</summary>
    Review,
    /// <summary>Not written; the note says why and what to do instead.</summary>
    Unmapped,
}
