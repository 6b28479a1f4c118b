namespace Gateway.Policy;

/// <summary>What the runner must do after an evaluation.</summary>
public enum PolicyAction
{
    None,
    /// <summary>A trigger fired: start the shutdown sequence.</summary>
    StartShutdown,
    /// <summary>Power came back before the point of no return: stop the sequence and say so.</summary>
    CancelShutdown,
}
