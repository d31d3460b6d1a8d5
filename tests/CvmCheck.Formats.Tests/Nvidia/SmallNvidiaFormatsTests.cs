using CvmCheck.Formats.Nvidia;

namespace CvmCheck.Formats.Tests.Nvidia;

public sealed class SmallNvidiaFormatsTests
{
    [Theory]
    [InlineData("nixgl-186_version_open-565.57.01_ubuntu2404.txt", "565.57.01", "open", "x86_64")]
    [InlineData("nixgl-121_version_open-525.60.11_arch.txt", "525.60.11", "open", "x86_64")]
    [InlineData("nixgl-139_version_open-jetson-aarch64.txt", "35.3.1", "open", "aarch64")]
    public void Proc_driver_version_captures_give_version_and_flavour(string file, string version, string flavor, string arch)
    {
        Assert.True(ProcDriverVersion.TryParse(Captures.Text("proc-nvidia", file), out var info, out var error), error);
        Assert.Equal(version, info.Version);
        Assert.Equal(flavor, info.Flavor);
        Assert.Equal(arch, info.Architecture);
        Assert.Equal(1, info.Line);
    }

    [Fact]
    public void Proprietary_module_line_is_recognised()
    {
        // Built from the documented proprietary format (no public capture in the fixtures).
        const string text = "NVRM version: NVIDIA UNIX x86_64 Kernel Module  550.127.05  Tue Oct  8 03:22:07 UTC 2024\n";
        Assert.True(ProcDriverVersion.TryParse(text, out var info, out _));
        Assert.Equal(("550.127.05", "proprietary"), (info.Version, info.Flavor));
    }

    [Fact]
    public void Garbage_is_not_a_driver_version() =>
        Assert.False(ProcDriverVersion.TryParse("NVRM: loading\n", out _, out _));

    [Fact]
    public void Documented_conf_compute_lines_are_normalised()
    {
        var lines = Captures.Text("conf-compute", "conf-compute.txt").Split('\n')
            .Where(l => l.StartsWith("nvidia-smi", StringComparison.Ordinal)).Select(l => l[(l.IndexOf("=> ", StringComparison.Ordinal) + 3)..]).ToArray();
        Assert.Equal("on", ConfComputeText.ReadMode(lines[0])?.Value);
        Assert.True(ConfComputeText.ReadReady(lines[1])?.Value);
        Assert.False(ConfComputeText.ReadReady(lines[2])?.Value);
        Assert.Equal("on", ConfComputeText.ReadMode(Captures.Text("conf-compute", "nvtrust-deployment-guide_conf-compute-f-and-vbios.txt"))?.Value);
    }

    [Theory]
    [InlineData("CC status: OFF", "off")]
    [InlineData("CC Status: DEVTOOLS", "devtools")]
    [InlineData("    CC State                              : ON\n    DevTools Mode                         : OFF", "on")]
    [InlineData("    CC State : ON\n    DevTools Mode : ON", "devtools")]
    [InlineData("No CC capable devices found", null)]
    public void Cc_mode_values(string text, string? expected) => Assert.Equal(expected, ConfComputeText.ReadMode(text)?.Value);

    [Theory]
    [InlineData("CC Environment: PRODUCTION", "production")]
    [InlineData("CC Environment: SIMULATION", "simulation")]
    [InlineData("    Environment : INTERNAL", "simulation")]
    [InlineData("CC Environment: banana", null)]
    public void Cc_environment_values(string text, string? expected) => Assert.Equal(expected, ConfComputeText.ReadEnvironment(text)?.Value);
}
