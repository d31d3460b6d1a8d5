using CvmCheck.Testing;

namespace CvmCheck.Cli.Tests;

public sealed class FactsCommandTests
{
    [Fact]
    public void Facts_json_has_the_documented_shape()
    {
        var r = Cli.Run("facts", "--root", Repo.Snapshot("h100-tdx-cc-on"), "--format", "json");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("cvmcheck/facts/v1", r.Json.GetProperty("schema").GetString());
        var facts = r.Json.GetProperty("facts");
        var driver = facts.GetProperty("nvidia.driver.version");
        Assert.Equal("580.105.08", driver.GetProperty("value").GetString());
        Assert.Equal("proc/driver/nvidia/version", driver.GetProperty("artifact").GetString());
        Assert.Equal(1, driver.GetProperty("line").GetInt32());
        Assert.Equal(8, facts.GetProperty("gpu.count").GetProperty("value").GetInt32());
        Assert.True(facts.GetProperty("tdx.guest.detected").GetProperty("value").GetBoolean());
        var absent = facts.GetProperty("kernel.config.CONFIG_EFI");
        Assert.Equal(System.Text.Json.JsonValueKind.Null, absent.GetProperty("value").ValueKind);
        Assert.Equal("absent", absent.GetProperty("reason").GetString());
    }

    [Fact]
    public void Facts_text_lists_values_with_their_artifact()
    {
        var r = Cli.Run("facts", "--root", Repo.Snapshot("h100-tdx-cc-on"));
        Assert.Equal(0, r.ExitCode);
        Assert.Matches(@"nvidia\.driver\.version\s+580\.105\.08\s+\[proc/driver/nvidia/version:1\]", r.Out);
        Assert.Matches(@"gpu\[2\]\.name\s+NVIDIA H100 80GB HBM3", r.Out);
    }
}
