namespace Gateway.Shutdown;

/// <summary>One step of the shutdown sequence. Every step has a dry-run form that says exactly what it would do.</summary>
public interface IShutdownStep
{
    /// <summary>vms, containers, sync, unmount:/mnt/nas, nut_fsd, ssh:nas, local.</summary>
    string Name { get; }

    /// <summary>The step's group in the fixed order (see <see cref="ShutdownStepKinds"/>).</summary>
    string Kind { get; }

    /// <summary>The most the whole step may take; the sequence abandons it after this.</summary>
    TimeSpan Budget { get; }

    Task<StepReport> RunAsync(ShutdownStepContext context, CancellationToken cancellationToken);
}
