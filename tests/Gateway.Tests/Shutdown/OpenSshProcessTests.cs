using Gateway.Configuration;
using Gateway.Shutdown.Ssh;

namespace Gateway.Tests.Shutdown;

public sealed class OpenSshProcessTests
{
    [Fact]
    public async Task A_missing_ssh_client_says_which_package_to_install()
    {
        var r = await OpenSshProcess.RunAsync(["-V"], TimeSpan.FromSeconds(5), false, TimeProvider.System, CancellationToken.None, program: "/nonexistent/ssh");
        Assert.True(r.NotStarted);
        Assert.Null(r.ExitCode);
        Assert.Contains("apt install openssh-client", r.Stderr);
    }

    [Fact]
    public void The_arguments_ignore_every_configuration_never_prompt_and_end_options_before_the_host()
    {
        var o = new RemoteHostOptions("nas", "-oProxyCommand=evil", 2222, "admin", "/etc/gateway/id 100%", "/etc/gateway/known hosts", "sudo poweroff", TimeSpan.FromSeconds(20));
        var a = OpenSshArguments.For(o, o.Command);
        Assert.Equal(["-F", "/dev/null"], a.Skip(a.ToList().IndexOf("-F")).Take(2));
        foreach (var option in (string[])["BatchMode=yes", "PasswordAuthentication=no", "KbdInteractiveAuthentication=no", "IdentitiesOnly=yes",
                     "StrictHostKeyChecking=yes", "GlobalKnownHostsFile=/dev/null", "UpdateHostKeys=no", "ConnectTimeout=20", "UserKnownHostsFile=\"/etc/gateway/known hosts\""])
            Assert.Contains(option, a);
        Assert.Equal("/etc/gateway/id 100%%", a[a.ToList().IndexOf("-i") + 1]);
        Assert.Equal(["--", "-oProxyCommand=evil", "sudo poweroff"], a.TakeLast(3));
        Assert.DoesNotContain("-N", a);

        var dry = OpenSshArguments.For(o, null);
        Assert.Equal(["-N", "--", "-oProxyCommand=evil"], dry.TakeLast(3));
    }
}
