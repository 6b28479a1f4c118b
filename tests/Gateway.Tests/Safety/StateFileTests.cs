using System.Net.Sockets;
using Gateway.Policy;
using Gateway.Shutdown;
using Gateway.Tests.Storage;
using Gateway.Tests.Support;

namespace Gateway.Tests.Safety;

/// <summary>A state file that cannot be used is moved aside with a warning naming the path and the fix, never a reason not to start.</summary>
public sealed class StateFileTests : IDisposable
{
    public void Dispose()
    {
        foreach (var s in _sockets) s.Dispose();
    }

    /// <summary>Each way a state file can be unusable, as a function that puts it at the path.</summary>
    public static TheoryData<string> Breakages => new() { "directory", "garbage", "empty", "valid JSON without its arrays", "valid JSON with null in its arrays", "a socket (cannot be read)" };

    // .NET removes a bound socket's file when the socket is disposed: keep them open for the test.
    private readonly List<Socket> _sockets = [];

    private void Break(string path, string how)
    {
        switch (how)
        {
            case "directory": Directory.CreateDirectory(path); File.WriteAllText(Path.Combine(path, "x"), "x"); break;
            case "garbage": File.WriteAllText(path, "\u0001\u0002 not json {"); break;
            case "empty": File.WriteAllText(path, "   "); break;
            case "valid JSON without its arrays": File.WriteAllText(path, """{"saved_at":"2026-11-25T12:00:00+00:00","on_battery_since":"2026-11-25T11:59:00+00:00","trigger":"runtime","reason":"r"}"""); break;
            case "valid JSON with null in its arrays": File.WriteAllText(path, """{"saved_at":"2026-11-25T12:00:00+00:00","on_battery_since":"2026-11-25T11:59:00+00:00","samples":[null],"trigger":"runtime","reason":"r","completed":[null]}"""); break;
            case "a socket (cannot be read)":
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                socket.Bind(new UnixDomainSocketEndPoint(path));
                _sockets.Add(socket);
                break;
        }
    }

    [Theory]
    [MemberData(nameof(Breakages))]
    public async Task An_unusable_policy_or_shutdown_state_is_moved_aside_with_a_warning(string how)
    {
        using var dir = new TempDir("gw-state");
        var log = new ListLogger();
        var memory = new PolicyMemoryStore(dir.Path, log);
        var progress = new ShutdownStateStore(dir.Path, log);
        Break(memory.FilePath, how);
        Break(progress.FilePath, how);

        Assert.Null(await memory.LoadAsync(CancellationToken.None));
        Assert.Null(await progress.LoadAsync(CancellationToken.None));

        foreach (var path in new[] { memory.FilePath, progress.FilePath })
        {
            Assert.False(File.Exists(path) || Directory.Exists(path), $"{path} is still there");
            var aside = Directory.GetFileSystemEntries(dir.Path, Path.GetFileName(path) + ".corrupt-*");
            Assert.Single(aside);
            var line = Assert.Single(log.Lines, l => l.Message.Contains(path + " was not usable"));
            Assert.Contains(aside[0], line.Message);
            Assert.Contains("rm -r", line.Message);
        }
        // The stores work again at once.
        await progress.SaveAsync(new ShutdownProgress("runtime", "r", true, DateTimeOffset.UnixEpoch, false, [], null), CancellationToken.None);
        Assert.NotNull(await progress.LoadAsync(CancellationToken.None));
    }

    [Trait(Lane.Trait, Lane.FullOnly)]
    [Fact]
    public async Task Gateway_run_starts_with_a_directory_and_garbage_for_state_files_and_says_what_it_did()
    {
        using var dir = new TempDir("gw-state-run");
        var data = Path.Combine(dir.Path, "data");
        Directory.CreateDirectory(Path.Combine(data, PolicyMemoryStore.FileName));
        File.WriteAllText(Path.Combine(data, ShutdownStateStore.FileName), """{"trigger":"runtime"}""");
        var web = FreePort.Next();
        var config = dir.Write("config.yaml", $"""
            gateway: {"{"} data_dir: {data} {"}"}
            devices:
              - {"{"} id: ups, type: nut, host: 127.0.0.1, port: {FreePort.Next()}, ups: ups {"}"}
            web: {"{"} listen: "http://127.0.0.1:{web}" {"}"}
            nut_server: {"{"} listen: ["127.0.0.1:{FreePort.Next()}"] {"}"}
            shutdown: {"{"} dry_run: true {"}"}
            """);
        await using var gw = GatewayProcess.Start(["run", "--config", config], dir.Path);
        using var health = await gw.WaitForHttpAsync($"http://127.0.0.1:{web}/api/health", TimeSpan.FromSeconds(60));
        using var client = new HttpClient();
        var policy = await client.GetStringAsync($"http://127.0.0.1:{web}/api/policy");
        Assert.Contains("\"protected_device\":\"ups\"", policy);
        Assert.False(gw.HasExited);
        Assert.Contains($"{Path.Combine(data, PolicyMemoryStore.FileName)} was not usable: it is a directory", gw.Output);
        Assert.Contains($"{Path.Combine(data, ShutdownStateStore.FileName)} was not usable: it is JSON but not a valid state", gw.Output);
        Assert.Single(Directory.GetFileSystemEntries(data, PolicyMemoryStore.FileName + ".corrupt-*"));
        Assert.Single(Directory.GetFileSystemEntries(data, ShutdownStateStore.FileName + ".corrupt-*"));
        gw.Terminate();
        Assert.True(await gw.WaitForExitAsync(TimeSpan.FromSeconds(10)), gw.Output);
    }

    [Trait(Lane.Trait, Lane.FullOnly)]
    [Fact]
    public async Task A_state_file_that_cannot_be_written_names_the_directory_and_the_fix()
    {
        using var dir = new TempDir("gw-state-ro");
        var data = Directory.CreateDirectory(Path.Combine(dir.Path, "data")).FullName;
        var store = new ShutdownStateStore(data);
        var full = Directory.CreateDirectory(Path.Combine(dir.Path, "full")).FullName;
        var fullStore = new ShutdownStateStore(full);
        var progress = new ShutdownProgress("runtime", "r", true, DateTimeOffset.UnixEpoch, false, [], null);
        await using (await Mount.ReadOnlyAsync(data))
        {
            var e = await Assert.ThrowsAnyAsync<IOException>(() => store.SaveAsync(progress, CancellationToken.None));
            Assert.Equal($"{data} is on a read-only file system; fix: remount it read-write or move gateway.data_dir", Gateway.Storage.StorageProblem.DescribeStateFile(e, store.FilePath));
        }
        await using (await Mount.FullTmpfsAsync(full))
        {
            var e = await Assert.ThrowsAnyAsync<IOException>(() => fullStore.SaveAsync(progress with { Reason = new string('x', 200_000) }, CancellationToken.None));
            Assert.Equal($"the disk holding {full} is full; fix: free space there or move gateway.data_dir", Gateway.Storage.StorageProblem.DescribeStateFile(e, fullStore.FilePath));
        }
        Assert.StartsWith($"{data} is not writable for the gateway's user; fix:",
            Gateway.Storage.StorageProblem.DescribeStateFile(new UnauthorizedAccessException("Access to the path is denied."), store.FilePath));
    }
}
