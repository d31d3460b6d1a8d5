using CvmCheck.Core.Facts;
using CvmCheck.Core.Probes;
using CvmCheck.Core.Probes.Pci;

namespace CvmCheck.Core.Tests.Live;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class PciProbeTests
{
    // The resource file of an H100 SXM (lspci: Region 0 16M, Region 2 128G, Region 4 32M, all 64-bit):
    // each 64-bit BAR's upper register reads as zeros, flags 0x140204 = MEM | MEM_64, 0x14220c adds PREFETCH.
    private const string H100Resource =
        "0x00000000e2000000 0x00000000e2ffffff 0x0000000000140204\n" +
        "0x0000000000000000 0x0000000000000000 0x0000000000000000\n" +
        "0x0000020000000000 0x0000021fffffffff 0x000000000014220c\n" +
        "0x0000000000000000 0x0000000000000000 0x0000000000000000\n" +
        "0x0000022000000000 0x0000022001ffffff 0x000000000014220c\n" +
        "0x0000000000000000 0x0000000000000000 0x0000000000000000\n" +
        "0x0000000000000000 0x0000000000000000 0x0000000000000000\n";

    [Fact]
    public void Nvidia_functions_are_found_by_vendor_with_ids_bars_iommu_group_driver_and_link()
    {
        using var host = new FakeHost();
        Device(host, "0000:00:02.0", "0x8086", "0x1237", "0x060000");
        Device(host, "0000:17:00.0", "0x10de", "0x2330", "0x030200");
        Device(host, "0000:18:00.0", "0x10de", "0x22a3", "0x068000");
        host.File("sys/bus/pci/devices/0000:17:00.0/resource", H100Resource);
        host.File("sys/bus/pci/devices/0000:17:00.0/numa_node", "1\n");
        host.File("sys/bus/pci/devices/0000:17:00.0/current_link_speed", "32.0 GT/s PCIe\n");
        host.File("sys/bus/pci/devices/0000:17:00.0/current_link_width", "16\n");
        host.Link("sys/bus/pci/devices/0000:17:00.0/driver", "../../../bus/pci/drivers/nvidia");
        host.Link("sys/bus/pci/devices/0000:17:00.0/iommu_group", "../../../kernel/iommu_groups/12");
        host.Directory_("sys/kernel/iommu_groups/12/devices/0000:17:00.0");
        host.Directory_("sys/kernel/iommu_groups/12/devices/0000:16:00.0");

        var facts = ProbeRunner.Collect(host.Source());

        Assert.Equal(2L, facts.Get(FactNames.PciNvidiaCount).Value);
        Assert.Equal("0000:17:00.0", Value(facts, 0, "bdf"));
        Assert.Equal("0x2330", Value(facts, 0, "device_id"));
        Assert.Equal("0x030200", Value(facts, 0, "class"));
        Assert.Equal(1L, Value(facts, 0, "numa_node"));
        Assert.Equal("12", Value(facts, 0, "iommu_group"));
        Assert.Equal(2L, Value(facts, 0, "iommu_group_size"));
        Assert.Equal("nvidia", Value(facts, 0, "driver"));
        Assert.Equal(16L, Value(facts, 0, "bar0_mb"));
        Assert.Equal(131072L, Value(facts, 0, "bar1_mb"));
        Assert.Equal(32L, Value(facts, 0, "bar2_mb"));
        Assert.Equal("32.0 GT/s PCIe", Value(facts, 0, "link_speed"));
        Assert.Equal(16L, Value(facts, 0, "link_width"));
        Assert.Equal("0000:18:00.0", Value(facts, 1, "bdf"));
        Assert.Equal(FactReasons.Absent, facts.Get("pci.nvidia[1].driver").Reason);
    }

    [Fact]
    public void A_host_without_nvidia_functions_has_a_count_of_zero()
    {
        using var host = new FakeHost();
        Device(host, "0000:00:02.0", "0x8086", "0x1237", "0x060000");

        var facts = ProbeRunner.Collect(host.Source());

        Assert.Equal(0L, facts.Get(FactNames.PciNvidiaCount).Value);
        Assert.False(facts.Contains("pci.nvidia[0].bdf"));
    }

    [Fact]
    public void An_unassigned_bar_has_size_zero()
    {
        // SeaBIOS could not place the 64-bit BAR1 ("BAR1 is 0M @ 0x0"): start and end read as zero.
        var resource = H100Resource.Replace("0x0000020000000000 0x0000021fffffffff", "0x0000000000000000 0x0000000000000000", StringComparison.Ordinal);

        var bars = PciProbe.ParseBars(resource, out var error);

        Assert.Null(error);
        Assert.Equal([16L * 1024 * 1024, 0L, 32L * 1024 * 1024], bars.Select(b => b.SizeBytes));
        Assert.Equal([1, 3, 5], bars.Select(b => b.Line));
    }

    [Fact]
    public void Thirty_two_bit_bars_each_take_one_register()
    {
        var bars = PciProbe.ParseBars("0xfd000000 0xfdffffff 0x40200\n0xf0000000 0xf7ffffff 0x4220c\n0x0 0x0 0x0\n", out var error);

        Assert.Null(error);
        Assert.Equal([16L * 1024 * 1024, 128L * 1024 * 1024, 0L], bars.Select(b => b.SizeBytes));
    }

    [Fact]
    public void A_resource_file_that_is_not_hex_triples_is_unparseable()
    {
        PciProbe.ParseBars("garbage\n", out var error);
        Assert.NotNull(error);
    }

    [Fact]
    public void Pci_fact_names_are_known_to_policies()
    {
        Assert.True(FactNames.IsKnown("pci.nvidia.count"));
        Assert.True(FactNames.IsKnown("pci.nvidia[0].bar1_mb"));
        Assert.True(FactNames.IsKnown("pci.nvidia[3].iommu_group_size"));
        Assert.False(FactNames.IsKnown("pci.nvidia[0].bar9_mb"));
        Assert.False(FactNames.IsKnown("pci.nvidia[x].bdf"));
    }

    private static object? Value(FactSet facts, int index, string suffix) => facts.Get(FactNames.ForPciNvidia(index, suffix)).Value;

    private static void Device(FakeHost host, string bdf, string vendor, string device, string cls)
    {
        host.File($"sys/bus/pci/devices/{bdf}/vendor", vendor + "\n");
        host.File($"sys/bus/pci/devices/{bdf}/device", device + "\n");
        host.File($"sys/bus/pci/devices/{bdf}/class", cls + "\n");
    }
}
