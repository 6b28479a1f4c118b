using Gateway.Configuration;
using Gateway.Tests.Support;

namespace Gateway.Tests.Reliability;

/// <summary>Random and mutated YAML into the config loader: never an unhandled exception, never a hang.</summary>
[Trait("Category", "Reliability")]
public class ConfigFuzzTests
{
    private static readonly Dictionary<string, string> NoEnv = new();

    [Fact]
    public void MutatedConfigsNeverThrowOrHang()
    {
        var seeds = new[]
        {
            File.ReadAllText(RepoPaths.File("config.yaml.example")),
            "devices:\n  - { id: ups, type: must, port: /dev/x }\npolicy: { protect: ups }\n",
            "mqtt:\n  host: h\n  port: 1\nnut_server:\n  users:\n    - { name: a, password: b, role: admin }\n",
            "shutdown:\n  unmounts:\n    - { path: /mnt/a, options: -l }\n  remote_hosts:\n    - { name: n, host: h, user: u, key_file: k, command: c }\n",
        };
        var mutator = new Mutator(20261125);
        FuzzLoop.Run(
            i => i % 10 == 0 ? System.Text.Encoding.UTF8.GetString(mutator.RandomBytes(200)) : mutator.Mutate(seeds[i % seeds.Length]),
            input => Assert.True(ConfigLoader.LoadText(input, "fuzz.yaml", NoEnv, []) is { } r && (r.Config is not null || r.Errors.Any()), "a rejected config must say why"),
            input => input,
            _ => false);
    }

    [Theory]
    // Regression inputs found by fuzzing and by hand.
    [InlineData("&a [*a]")]
    [InlineData("a: &x\n  b: *x\n")]
    [InlineData("devices:\n  - id: \"\\u0000\"\n    type: must\n")]
    [InlineData("? [a]\n: b\n")]
    [InlineData("policy:\n  depletion_window: 99999999999999999999999d\n")]
    [InlineData("%YAML 1.1\n---\n!!binary x: 1\n")]
    [InlineData("devices: [[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]\n")]
    public void OddInputsGiveErrorsNotExceptions(string yaml)
    {
        var r = ConfigLoader.LoadText(yaml, "odd.yaml", NoEnv, []);
        Assert.True(r.Config is not null || r.Errors.Any());
    }
}
