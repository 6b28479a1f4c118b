namespace Gateway.Drivers.Serial;

/// <summary>
/// A byte pipe to one device: a real serial port, a pty, or a test double. Reads wait for at least one
/// byte; losing the device surfaces as <see cref="IOException"/>, a timeout as cancellation of the token.
/// </summary>
public interface ISerialTransport : IDisposable
{
    /// <summary>What was configured (e.g. a by-id symlink).</summary>
    string Path { get; }

    /// <summary>The device node actually opened (symlinks resolved), e.g. <c>/dev/ttyUSB1</c>.</summary>
    string DevicePath { get; }

    ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    /// <summary>Waits for at least one byte and returns how many were copied (≥ 1).</summary>
    ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken);

    /// <summary>Drops whatever has been received and not yet read; returns how many bytes were dropped.</summary>
    int DiscardInput();
}
