namespace Gateway.Commands;

/// <summary>What an option of the command line takes after its name.</summary>
internal enum CliValueKind
{
    /// <summary>Nothing: present means on (<c>--simulate</c>).</summary>
    Flag,
    Text,
    /// <summary>A whole number, checked when the command line is read.</summary>
    Integer,
}
