using Gateway.Shutdown;

namespace Gateway.Tests.Shutdown;

public sealed class CommandTextTests
{
    [Theory]
    [InlineData("systemctl poweroff", new[] { "systemctl", "poweroff" })]
    [InlineData("sudo -n /usr/syno/sbin/synoshutdown -s", new[] { "sudo", "-n", "/usr/syno/sbin/synoshutdown", "-s" })]
    [InlineData("sh -c 'echo a b' \"x y\"", new[] { "sh", "-c", "echo a b", "x y" })]
    [InlineData("  a\\ b  ", new[] { "a b" })]
    [InlineData("", new string[0])]
    public void Split_follows_shell_quoting(string line, string[] expected) => Assert.Equal(expected, CommandText.Split(line));

    [Fact]
    public void Format_quotes_only_what_needs_it() =>
        Assert.Equal("umount -l '/mnt/my nas' 'it'\\''s'", CommandText.Format(["umount", "-l", "/mnt/my nas", "it's"]));
}
