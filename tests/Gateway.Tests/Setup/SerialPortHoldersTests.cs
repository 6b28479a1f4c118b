using System.Diagnostics;
using Gateway.Setup;
using Gateway.Tests.Support;

namespace Gateway.Tests.Setup;

/// <summary>The pieces of the probe's explanations that need no device: who holds a file open, group names, SSH key types.</summary>
public sealed class SerialPortHoldersTests
{
    [Fact]
    public async Task Another_process_holding_the_file_is_named_with_its_pid()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "ttyFAKE");
        await File.WriteAllTextAsync(path, "");
        using var holder = Process.Start(new ProcessStartInfo("bash", ["-c", $"exec 3<'{path}'; echo ready; exec sleep 30"]) { RedirectStandardOutput = true, UseShellExecute = false })!;
        try
        {
            Assert.Equal("ready", await holder.StandardOutput.ReadLineAsync());
            var found = await Task.Run(() =>
            {
                IReadOnlyList<SerialPortHolders.Holder> h = [];
                // Until bash has exec'd into sleep (same pid, same open descriptor 3).
                for (var i = 0; i < 400 && !h.Any(x => x.Name == "sleep"); i++) { h = SerialPortHolders.Find(path); if (!h.Any(x => x.Name == "sleep")) Thread.Sleep(50); }
                return h;
            });
            var only = Assert.Single(found);
            Assert.Equal(holder.Id, only.Pid);
            Assert.Equal("sleep", only.Name);
        }
        finally
        {
            holder.Kill();
            await holder.WaitForExitAsync();
        }
        Assert.Empty(SerialPortHolders.Find(path));
    }

    [Fact]
    public void Group_names_come_from_the_group_file()
    {
        using var dir = new TempDir();
        var groups = Path.Combine(dir.Path, "group");
        File.WriteAllText(groups, "root:x:0:\ndialout:x:20:pi\nbroken\n");
        Assert.Equal("dialout", UnixGroups.NameOf(20, groups));
        Assert.Null(UnixGroups.NameOf(99, groups));
        Assert.Null(UnixGroups.NameOf(20, Path.Combine(dir.Path, "missing")));
    }

    [Fact]
    public void The_key_type_is_read_from_the_key_blob()
    {
        var blob = Convert.FromBase64String("AAAAC3NzaC1lZDI1NTE5AAAAIGx0Ki6jJ6nDpUCbFQn2Kk2Yh3zjWqL0rqVd0o9m4TbA");
        Assert.Equal("ssh-ed25519", SshHostCheck.KeyType(blob));
        Assert.Equal("unknown", SshHostCheck.KeyType([0, 0]));
        Assert.Equal("unknown", SshHostCheck.KeyType([0, 0, 0, 200, 1]));
    }
}
