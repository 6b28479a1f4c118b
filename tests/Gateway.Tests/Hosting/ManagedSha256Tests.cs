using System.Security.Cryptography;
using System.Text;
using Gateway.Configuration;
using Gateway.Hosting;

namespace Gateway.Tests.Hosting;

public class ManagedSha256Tests
{
    [Fact]
    public void MatchesTheFipsExample()
    {
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            Convert.ToHexStringLower(ManagedSha256.HashData("abc"u8)));
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            Convert.ToHexStringLower(ManagedSha256.HashData([])));
    }

    [Fact]
    public void MatchesTheFrameworksSha256ForEveryLengthAroundTheBlockBoundaries()
    {
        var random = new Random(18);
        for (var length = 0; length <= 300; length++)
        {
            var data = new byte[length];
            random.NextBytes(data);
            Assert.Equal(SHA256.HashData(data), ManagedSha256.HashData(data));
        }
    }

    [Fact]
    public void TheInstallationIdIsWhatItWasWithTheFrameworksHash()
    {
        // Existing installations keep their default MQTT client id.
        const string machineId = "4c2d5e1f0a9b8c7d6e5f4a3b2c1d0e9f";
        var expected = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("power-gateway:" + machineId)))[..8];
        Assert.Equal(expected, InstallationId.FromMachineId(machineId + "\n"));
    }
}
