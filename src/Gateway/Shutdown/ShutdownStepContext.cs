using Microsoft.Extensions.Logging;

namespace Gateway.Shutdown;

/// <summary>What every step gets: whether this is a rehearsal, how to run commands, the clock and a logger.</summary>
public sealed record ShutdownStepContext(bool DryRun, ICommandExecutor Executor, TimeProvider Time, ILogger Log, string Reason);
