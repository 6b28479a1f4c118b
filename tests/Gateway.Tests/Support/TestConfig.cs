using Gateway.Configuration;

namespace Gateway.Tests.Support;

/// <summary>Loads a test's YAML through the real loader (no environment, no overrides) and fails with every problem when it is not valid.</summary>
public static class TestConfig
{
    public static GatewayConfig Load(string yaml)
    {
        var loaded = ConfigLoader.LoadText(yaml, "test.yaml", new Dictionary<string, string>(), []);
        Assert.True(loaded.Config is not null, string.Join("\n", loaded.Problems));
        return loaded.Config!;
    }
}
