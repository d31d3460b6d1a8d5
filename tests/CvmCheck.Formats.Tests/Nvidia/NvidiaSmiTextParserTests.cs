using CvmCheck.Formats.Nvidia;

namespace CvmCheck.Formats.Tests.Nvidia;

public sealed class NvidiaSmiTextParserTests
{
    [Theory]
    [InlineData("gls_h200_q.txt", 1, "550.90.12", "NVIDIA H200", "96.00.A5.00.03", "00000000:03:00.0")]
    [InlineData("gls_gh200_q.txt", 1, "550.127.05", "NVIDIA GH200 480GB", "96.00.8D.00.03", "")]
    [InlineData("gls_h100nvlx2_q.txt", 2, "550.54.14", "NVIDIA H100 NVL", "96.00.74.00.11", "00000000:AD:00.0")]
    [InlineData("gls_h100sxmx8_q.txt", 8, "565.57.01", "NVIDIA H100 80GB HBM3", "96.00.74.00.01", "")]
    public void Every_real_q_report_parses(string file, int gpus, string driver, string name, string vbios, string busId)
    {
        Assert.True(NvidiaSmiTextParser.TryParse(Captures.Text("nvidia-smi-q", file), out var log, out var error), error);
        Assert.Equal(gpus, log.Gpus.Count);
        Assert.Equal(driver, log.DriverVersion?.Value);
        Assert.Equal(name, log.Gpus[0].Name?.Value);
        Assert.Equal(vbios, log.Gpus[0].VbiosVersion?.Value);
        Assert.Equal("enabled", log.Gpus[0].PersistenceMode?.Value);
        if (busId.Length > 0)
        {
            Assert.Equal(busId, log.Gpus[0].BusId.Value);
        }
    }

    [Fact]
    public void Nested_sections_are_read_by_path_and_lines_are_kept()
    {
        Assert.True(NvidiaSmiTextParser.TryParse(Captures.Text("nvidia-smi-q", "gls_h200_q.txt"), out var log, out _));
        var gpu = log.Gpus[0];
        Assert.Equal("Pass-Through", gpu.VirtualizationMode?.Value);
        Assert.Equal("550.90.12", gpu.GspFirmwareVersion?.Value);
        Assert.Equal("Hopper", gpu.Architecture?.Value);
        Assert.Equal(28, gpu.VbiosVersion!.Line);
        Assert.Empty(gpu.ActiveThrottleReasons);
    }

    [Theory]
    [InlineData("gls_h200_default.txt")]
    [InlineData("gls_h100sxmx8_default.txt")]
    public void The_default_table_is_not_mistaken_for_a_q_report(string file) =>
        Assert.False(NvidiaSmiTextParser.TryParse(Captures.Text("nvidia-smi-q", file), out _, out _));
}
