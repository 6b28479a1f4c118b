namespace Gateway.Tests.Serial;

/// <summary>
/// Tests that prove a path is noticed through inotify alone (virtual time that never moves, so no re-check can
/// end the wait) run alone, after every parallel test: the other tests' watchers share the user's 128 inotify
/// instances, and a watch that cannot be set falls back to the timed re-check these tests rule out on purpose.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class InotifyAloneCollection
{
    public const string Name = "inotify (alone)";
}
