using System.Text;
using CvmCheck.Formats.Nvidia;

namespace CvmCheck.Formats.Tests.Nvidia;

/// <summary>The forward-only parser gives exactly what the XDocument one gave (values, lines, errors).</summary>
public sealed class NvidiaSmiXmlParserEquivalenceTests
{
    public static TheoryData<string> CaptureFiles => new(Captures.Files("nvidia-smi-xml"));

    [Theory]
    [MemberData(nameof(CaptureFiles))]
    public void Every_real_capture_reads_as_the_dom_parser_read_it(string file)
    {
        var bytes = File.ReadAllBytes(Captures.Path("nvidia-smi-xml", file));
        AssertSame(bytes);

        // Every truncation point in the first few KB, and a spread over the whole file.
        for (var length = 0; length < Math.Min(bytes.Length, 4096); length += 7)
        {
            AssertSame(bytes[..length]);
        }

        for (var length = 4096; length < bytes.Length; length += 997)
        {
            AssertSame(bytes[..length]);
        }
    }

    public static TheoryData<string> EdgeCases => new()
    {
        "<html/>",
        "<nvidia_smi_log/>",
        "<?xml version=\"1.0\"?><!DOCTYPE nvidia_smi_log SYSTEM \"nvsmi_device_v12.dtd\"><nvidia_smi_log><driver_version>&ext;</driver_version></nvidia_smi_log>",
        "<nvidia_smi_log><gpu/></nvidia_smi_log>",
        "<nvidia_smi_log><gpu id=\" 00000000:01:00.0 \"/><gpu/></nvidia_smi_log>",
        "<nvidia_smi_log><gpu/><gpu id=\"x\"></gpu><bad></nvidia_smi_log>",
        "<nvidia_smi_log><gpu><pci/></gpu></nvidia_smi_log>",
        "<nvidia_smi_log><gpu id=\"a\"><pci><pci_bus_id>N/A</pci_bus_id></pci><pci><pci_bus_id>b</pci_bus_id></pci></gpu></nvidia_smi_log>",
        "<nvidia_smi_log><gpu id=\"a\"><pci><pci_bus_id> b </pci_bus_id><pci_bus_id>c</pci_bus_id><pci_device_id>d<x>e</x> f</pci_device_id></pci></gpu></nvidia_smi_log>",
        "<nvidia_smi_log>\n<driver_version>1</driver_version>\n<driver_version>2</driver_version>\n<attached_gpus> 3 </attached_gpus><cuda_version><![CDATA[ 12.8 ]]></cuda_version></nvidia_smi_log>",
        "<nvidia_smi_log><attached_gpus>x</attached_gpus><gpu id=\"a\"><product_name>A<!-- c --> <b/> B</product_name><vbios_version>96.00.aa</vbios_version><persistence_mode>Enabled</persistence_mode></gpu></nvidia_smi_log>",
        "<nvidia_smi_log><gpu id=\"a\"><gpu_virtualization_mode><virtualization_mode>N/A</virtualization_mode><virtualization_mode>x</virtualization_mode></gpu_virtualization_mode><gpu_virtualization_mode><virtualization_mode>y</virtualization_mode></gpu_virtualization_mode></gpu></nvidia_smi_log>",
        "<nvidia_smi_log><gpu id=\"a\">\n<clocks_throttle_reasons><clocks_throttle_reason_gpu_idle>Active</clocks_throttle_reason_gpu_idle><clocks_throttle_reason_hw_slowdown> Active </clocks_throttle_reason_hw_slowdown><other>Not Active</other><x:y xmlns:x=\"u\">Active</x:y></clocks_throttle_reasons>\n<clocks_event_reasons><a>Active</a></clocks_event_reasons><clocks_event_reasons><b>Active</b></clocks_event_reasons></gpu></nvidia_smi_log>",
        "<nvidia_smi_log><gpu id=\"a\"><clocks_event_reasons/><clocks_throttle_reasons><c>Active</c></clocks_throttle_reasons></gpu></nvidia_smi_log>",
        "<nvidia_smi_log xmlns=\"urn:x\"><gpu id=\"a\"/><driver_version>1</driver_version></nvidia_smi_log>",
        "<n:nvidia_smi_log xmlns:n=\"urn:x\"><gpu id=\"a\"><n:uuid>u</n:uuid><uuid>v</uuid></gpu></n:nvidia_smi_log>",
        "<nvidia_smi_log><gpu id=\"a\"><uuid xml:space=\"preserve\"> <i/> u <i/> </uuid></gpu></nvidia_smi_log>",
        "<nvidia_smi_log><gpu id=\"a\"><uuid>&lt;u&amp;&#65;</uuid></gpu></nvidia_smi_log>",
        "<nvidia_smi_log><gpu id=\"a\"><uuid>u</uuid></gpu></nvidia_smi_log><!-- tail --><?pi x?>",
        "<nvidia_smi_log><gpu id=\"a\"><uuid>u</uuid></gpu></nvidia_smi_log><trailing/>",
        "<nvidia_smi_log><gpu id=\"a\"><uuid a=\"1\" a=\"2\">u</uuid></gpu></nvidia_smi_log>",
        "<nvidia_smi_log><gpu id=\"a\"><uuid>u\u0001</uuid></gpu></nvidia_smi_log>",
        "<nvidia_smi_log><gpu id=\"a\"><x>&undefined;</x></gpu></nvidia_smi_log>",
        "<nvidia_smi_log><gpu><pci><pci_bus_id>b</pci_bus_id></pci></gpu><gpu/><x>&undefined;</x></nvidia_smi_log>",
        "  \n<nvidia_smi_log>\r\n  <gpu id=\"a\">\r\n    <uuid>\r\n u \r\n</uuid></gpu></nvidia_smi_log>",
        "<other><nvidia_smi_log/></other>",
        "",
        "<",
    };

    [Theory]
    [MemberData(nameof(EdgeCases))]
    public void Edge_cases_read_as_the_dom_parser_read_them(string xml) => AssertSame(Encoding.UTF8.GetBytes(xml));

    [Fact]
    public void Fuzz_seeds_read_as_the_dom_parser_read_them()
    {
        foreach (var file in Directory.EnumerateFiles(Path.Combine(CvmCheck.Testing.Repo.Root, "fuzz", "seeds", "nvidia-smi-xml")))
        {
            AssertSame(File.ReadAllBytes(file));
        }
    }

    private static void AssertSame(byte[] xml)
    {
        var expectedOk = DomNvidiaSmiXmlParser.TryParse(new MemoryStream(xml), out var expected, out var expectedError);
        var actualOk = NvidiaSmiXmlParser.TryParse(new MemoryStream(xml), out var actual, out var actualError);
        var input = Encoding.UTF8.GetString(xml);
        Assert.True(expectedOk == actualOk, $"ok {actualOk}, DOM {expectedOk} ({expectedError}{actualError}) for: {input}");
        Assert.Equal(expectedError, actualError);
        if (expectedOk)
        {
            Assert.Equal(Describe(expected), Describe(actual));
        }
    }

    private static string Describe(NvidiaSmiLog log)
    {
        var text = new StringBuilder();
        text.Append($"driver={L(log.DriverVersion)} cuda={L(log.CudaVersion)} attached={log.AttachedGpus}\n");
        foreach (var g in log.Gpus)
        {
            text.Append($"gpu bus={L(g.BusId)} name={L(g.Name)} uuid={L(g.Uuid)} arch={L(g.Architecture)} vbios={L(g.VbiosVersion)} pm={L(g.PersistenceMode)} virt={L(g.VirtualizationMode)} gsp={L(g.GspFirmwareVersion)} dev={L(g.PciDeviceId)} reasons=[{string.Join(",", g.ActiveThrottleReasons)}]@{g.ThrottleReasonsLine}\n");
        }

        return text.ToString();
    }

    private static string L(Located<string>? v) => v is null ? "null" : $"'{v.Value}'@{v.Line}";
}
