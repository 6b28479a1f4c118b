namespace Gateway.Setup;

/// <summary>
/// What a test button found, for a person: <see cref="Ok"/>, a short <see cref="Status"/> word for scripts and
/// tests (ok, busy, permission_denied, no_answer, wrong_device, refused, timeout, unknown_host_key, …), one
/// sentence saying what happened, and when something is wrong the change that fixes it.
/// </summary>
public sealed record ToolResult(
    bool Ok,
    string Status,
    string Message,
    string? Fix = null,
    IReadOnlyList<ToolFact>? Facts = null,
    IReadOnlyList<ToolStep>? Steps = null,
    SshHostKeyView? HostKey = null);
