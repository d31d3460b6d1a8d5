using CvmCheck.Formats.Nvidia;

namespace CvmCheck.Formats.Tests.Nvidia;

public sealed class NvidiaSmiXmlParserTests
{
    private static NvidiaSmiLog Parse(string file)
    {
        using var stream = File.OpenRead(Captures.Path("nvidia-smi-xml", file));
        Assert.True(NvidiaSmiXmlParser.TryParse(stream, out var log, out var error), error);
        return log;
    }

    public static TheoryData<string, int, string, string, string, string> RealCaptures => new()
    {
        { "k8stestinfra_h100-8x-580.xml", 8, "580.105.08", "NVIDIA H100 80GB HBM3", "96.00.99.00.01", "00000000:53:00.0" },
        { "k8stestinfra_b200-8x-580.xml", 8, "580.105.08", "NVIDIA B200", "97.00.FA.00.09", "" },
        { "k8stestinfra_gb200-4x-580.xml", 4, "580.173.02", "NVIDIA GB200", "97.00.B9.00.69", "00000000:29:00.0" },
        { "k8stestinfra_gb300-4x-580.xml", 4, "580.173.02", "NVIDIA GB300", "97.10.4A.00.1A", "" },
        { "telegraf_a100-sxm4-v12.xml", 1, "535.54.03", "NVIDIA A100-SXM4-80GB", "92.00.36.00.02", "00000000:01:00.0" },
        { "telegraf_pro-6000-maxq-blackwell-v13.xml", 1, "590.44.01", "", "98.02.6A.00.03", "" },
    };

    [Theory]
    [MemberData(nameof(RealCaptures))]
    public void Every_real_capture_parses_with_driver_gpus_names_and_vbios(string file, int gpus, string driver, string name, string vbios, string firstBusId)
    {
        var log = Parse(file);
        Assert.Equal(gpus, log.Gpus.Count);
        Assert.Equal(driver, log.DriverVersion?.Value);
        Assert.Equal(vbios, log.Gpus[0].VbiosVersion?.Value);
        if (name.Length > 0)
        {
            Assert.Equal(name, log.Gpus[0].Name?.Value);
        }

        if (firstBusId.Length > 0)
        {
            Assert.Equal(firstBusId, log.Gpus[0].BusId.Value);
        }

        Assert.All(log.Gpus, g => Assert.NotNull(g.Uuid));
        Assert.All(log.Gpus, g => Assert.Contains(g.PersistenceMode?.Value, new[] { "enabled", "disabled" }));
    }

    [Fact]
    public void Values_carry_the_line_they_came_from()
    {
        var log = Parse("k8stestinfra_h100-8x-580.xml");
        Assert.Equal(5, log.DriverVersion!.Line);
        Assert.Equal(34, log.Gpus[0].VbiosVersion!.Line);
        Assert.Equal(15, log.Gpus[0].PersistenceMode!.Line);
        Assert.Equal("Hopper", log.Gpus[0].Architecture?.Value);
        Assert.Equal("Pass-Through", log.Gpus[0].VirtualizationMode?.Value);
        Assert.Equal("580.105.08", log.Gpus[0].GspFirmwareVersion?.Value);
        Assert.Equal("233010DE", log.Gpus[0].PciDeviceId?.Value);
    }

    [Fact]
    public void Older_clocks_throttle_reasons_and_newer_clocks_event_reasons_are_both_read()
    {
        var a100 = Parse("telegraf_a100-sxm4-v12.xml");
        var h100 = Parse("k8stestinfra_h100-8x-580.xml");
        Assert.NotNull(a100.Gpus[0].ThrottleReasonsLine);
        Assert.NotNull(h100.Gpus[0].ThrottleReasonsLine);
        Assert.DoesNotContain("gpu_idle", h100.Gpus[0].ActiveThrottleReasons);
    }

    [Fact]
    public void Truncated_xml_is_rejected_with_line_and_column()
    {
        var bytes = File.ReadAllBytes(Captures.Path("nvidia-smi-xml", "k8stestinfra_h100-8x-580.xml"));
        var truncated = bytes[..(bytes.Length / 3)];
        Assert.False(NvidiaSmiXmlParser.TryParse(new MemoryStream(truncated), out _, out var error));
        Assert.Contains("line", error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_dtd_is_never_fetched_and_entities_are_not_expanded()
    {
        const string xml = """<?xml version="1.0"?><!DOCTYPE nvidia_smi_log [<!ENTITY x SYSTEM "file:///etc/passwd">]><nvidia_smi_log><driver_version>&x;</driver_version></nvidia_smi_log>""";
        var ok = NvidiaSmiXmlParser.TryParse(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(xml)), out var log, out _);
        Assert.True(!ok || log.DriverVersion?.Value is null or "");
    }

    [Fact]
    public void A_document_that_is_not_an_nvidia_smi_log_is_rejected()
    {
        Assert.False(NvidiaSmiXmlParser.TryParse(new MemoryStream("<html/>"u8.ToArray()), out _, out var error));
        Assert.Contains("nvidia_smi_log", error, StringComparison.Ordinal);
    }
}
