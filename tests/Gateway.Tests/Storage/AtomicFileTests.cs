using Gateway.Storage;

namespace Gateway.Tests.Storage;

public sealed class AtomicFileTests : IDisposable
{
    private readonly string _dir = HistoryTestData.TempDir();

    public void Dispose() => HistoryTestData.DeleteDir(_dir);

    [Fact]
    public async Task The_same_content_again_writes_nothing_and_new_content_replaces_the_file()
    {
        var path = Path.Combine(_dir, "state.json");
        await AtomicFile.WriteAllTextAsync(path, """{"a":1}""");
        var old = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(path, old);

        await AtomicFile.WriteAllTextAsync(path, """{"a":1}""");
        Assert.Equal(old, File.GetLastWriteTimeUtc(path));

        await AtomicFile.WriteAllTextAsync(path, """{"a":2}""");
        Assert.NotEqual(old, File.GetLastWriteTimeUtc(path));
        Assert.Equal("""{"a":2}""", await AtomicFile.ReadAllTextOrNullAsync(path));
        await AtomicFile.WriteAllTextAsync(path, """{"a":22}""");   // same start, other length
        Assert.Equal("""{"a":22}""", await AtomicFile.ReadAllTextOrNullAsync(path));
    }
}
