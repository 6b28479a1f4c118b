using Gateway.Drivers.Serial;

namespace Gateway.Tests.Support;

/// <summary>
/// Holds pseudo-terminals until one of them is a given /dev/pts/N, so that a device plugged in again cannot get that
/// number back. The kernel hands out the lowest free number and other tests make and free ptys at the same time, so
/// "the next two numbers" is not the one just freed; this takes numbers until it is (at most <see cref="Limit"/>).
/// </summary>
public sealed class PtySquatters : IDisposable
{
    public const int Limit = 256;
    private readonly List<PseudoTerminal> _held = [];

    private PtySquatters(string target)
    {
        while (_held.Count < Limit)
        {
            var pty = PseudoTerminal.Create();
            _held.Add(pty);
            if (pty.SlavePath == target) { HoldsTarget = true; break; }
        }
    }

    /// <summary>True when the wanted number is held here; false when another process held it all along.</summary>
    public bool HoldsTarget { get; }

    public static PtySquatters Hold(string target) => new(target);

    public void Dispose()
    {
        foreach (var pty in _held) pty.Dispose();
        _held.Clear();
    }
}
