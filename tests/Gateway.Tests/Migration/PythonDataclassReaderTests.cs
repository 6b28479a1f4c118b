using Gateway.Migration;

namespace Gateway.Tests.Migration;

public class PythonDataclassReaderTests
{
    private static IReadOnlyList<PythonField> Read(string source)
    {
        var fields = PythonDataclassReader.ReadClass(source, "Config", out var problem);
        Assert.True(fields is not null, problem);
        return fields!;
    }

    [Fact]
    public void ReadsLiteralsOfEveryKind()
    {
        var fields = Read("""
            @dataclass
            class Config:
                A: str = "double"
                B: str = 'single'  # a comment with "quotes"
                C: int = 42
                D: float = -2.5e1
                E: bool = True
                F: bool = False
                G: Optional[str] = None
                H: int = 15 * 60
                I: float = (1 + 2) / 4
                J: str = "con" "cat"
                K = 0x10
                L: str = "it's # not a comment"
                M: int = 1_000
            """);
        var v = fields.ToDictionary(f => f.Name, f => f.Value);
        Assert.Equal("double", v["A"].Text);
        Assert.Equal("single", v["B"].Text);
        Assert.Equal(42, v["C"].Number);
        Assert.Equal(-25, v["D"].Number);
        Assert.True(v["E"].Bool);
        Assert.Equal(PythonValueKind.Bool, v["F"].Kind);
        Assert.False(v["F"].Bool);
        Assert.Equal(PythonValueKind.None, v["G"].Kind);
        Assert.Equal(900, v["H"].Number);
        Assert.Equal(0.75, v["I"].Number);
        Assert.Equal("concat", v["J"].Text);
        Assert.Equal(16, v["K"].Number);
        Assert.Equal("it's # not a comment", v["L"].Text);
        Assert.Equal(1000, v["M"].Number);
        Assert.Equal(5, fields.Single(f => f.Name == "C").Line);
    }

    [Fact]
    public void ReadsMultiLineListsOfTuplesFromFieldFactories()
    {
        var fields = Read("""
            class Config:
                MOUNTS: List[Tuple[str, str]] = field(default_factory=lambda: [
                    ("/mnt/a", ""),
                    ("/mnt/b", "-l"),   # lazy
                ])
                NAMES: List[str] = field(default_factory=list)
                LOG: Path = field(default_factory=lambda: Path("/var/log/x.log"))
                PLAIN: int = field(default=7)
                AFTER: int = 1
            """);
        var mounts = fields[0].Value;
        Assert.Equal(PythonValueKind.List, mounts.Kind);
        Assert.Equal(2, mounts.Items.Count);
        Assert.Equal("/mnt/b", mounts.Items[1].Items[0].Text);
        Assert.Equal("-l", mounts.Items[1].Items[1].Text);
        Assert.Empty(fields[1].Value.Items);
        Assert.Equal(PythonValueKind.List, fields[1].Value.Kind);
        Assert.Equal("/var/log/x.log", fields[2].Value.Text);
        Assert.Equal(7, fields[3].Value.Number);
        Assert.Equal("AFTER", fields[4].Name);
        Assert.Equal(9, fields[4].Line);
    }

    [Fact]
    public void KeepsWhatItCannotEvaluateAsTextAndNeverRunsIt()
    {
        var fields = Read("""
            class Config:
                FROM_ENV: int = int(os.environ.get("X", "3"))
                NAME_REF: int = OTHER * 2
                F_STRING: str = f"{HOST}:22"
                DICT: dict = field(default_factory=lambda: {"a": 1})
            """);
        Assert.All(fields, f => Assert.Equal(PythonValueKind.Unparsed, f.Value.Kind));
        Assert.Equal("int(os.environ.get(\"X\", \"3\"))", fields[0].Value.Raw);
    }

    [Fact]
    public void StopsAtTheEndOfTheClassAndSkipsMethods()
    {
        var fields = Read(""""
            import os

            @dataclass
            class Config:
                """Settings.

                NOT_A_FIELD: int = 1 inside the docstring
                """
                A: int = 1

                def method(self):
                    LOCAL: int = 2
                    return LOCAL

                B: int = 3

            config = Config()

            class Other:
                C: int = 4
            """");
        Assert.Equal(["A", "B"], fields.Select(f => f.Name));
    }

    [Fact]
    public void SaysSoWhenThereIsNoSuchClass()
    {
        Assert.Null(PythonDataclassReader.ReadClass("x = 1\n", "Config", out var problem));
        Assert.Contains("no 'class Config' found", problem);
    }

    [Fact]
    public void FindsTheClassByItsWholeNameOnly()
    {
        const string source = "class ConfigBase:\n    A: int = 1\n\n  class\tConfig(ConfigBase):  # settings\n    B: int = 2\n";
        var fields = PythonDataclassReader.ReadClass(source, "Config", out var problem);
        Assert.Null(problem);
        Assert.Equal(["B"], fields!.Select(f => f.Name));
        Assert.Null(PythonDataclassReader.ReadClass("classConfig:\n    A: int = 1\n", "Config", out _));
        Assert.Null(PythonDataclassReader.ReadClass("class Config\n    A: int = 1\n", "Config", out _));
    }
}
