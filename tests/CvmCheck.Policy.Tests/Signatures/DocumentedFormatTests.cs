using System.Text;
using CvmCheck.Core.Diagnosis;
using CvmCheck.Core.Facts;
using CvmCheck.Policy.Signatures;

namespace CvmCheck.Policy.Tests.Signatures;

/// <summary>
/// Classes with no real log in the corpus. Every line below is built from documented message formats
/// (NVIDIA's Xid catalog log form "NVRM: Xid (PCI:DDDD:BB:DD): code, pid=…, name=…, text", the driver's and
/// the kernel's message strings), not captured from a machine.
/// </summary>
public sealed class DocumentedFormatTests
{
    private static string[] Ids(string log)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(log));
        return SignatureMatcher.Match(BuiltInSignatures.Load(), stream, "test.log", new FactSet()).Select(d => d.Id).ToArray();
    }

    [Theory]
    [InlineData(94, "Contained: SM (0x1). (pid 1234), RST: No, D-RSTL No", "gpu.xid94-contained-ecc")]
    [InlineData(95, "Uncontained: FBHUB. RST: Yes, D-RSTL: No", "gpu.xid95-uncontained-ecc")]
    [InlineData(61, "Internal micro-controller breakpoint/warning (GPU-specific)", "gpu.xid-microcontroller")]
    [InlineData(62, "Internal micro-controller halt", "gpu.xid-microcontroller")]
    [InlineData(120, "GSP error", "gpu.xid120-gsp-error")]
    [InlineData(140, "Unrecovered ECC Error", "gpu.xid140-ecc-unrecovered")]
    [InlineData(63, "Row Remapper: New row marked for remapping, reset gpu to activate.", "gpu.xid-row-remap")]
    [InlineData(74, "NVLink: fatal error detected on link 3", "gpu.xid-nvlink")]
    [InlineData(79, "GPU has fallen off the bus.", "gpu.xid79-fallen-off-bus")]
    [InlineData(13, "Graphics SM Warp Exception on (GPC 0, TPC 1, SM 0): Out Of Range Address", "gpu.xid-app-error")]
    public void Documented_xid_lines_map_to_their_catalog_id(int xid, string text, string id)
    {
        var found = Ids($"[  123.456789] NVRM: Xid (PCI:0000:3b:00): {xid}, pid=4242, name=python3, {text}\n");
        Assert.Contains(id, found);
    }

    [Fact]
    public void Xid_154_to_a_reset_action_requires_a_reset_but_back_to_none_does_not()
    {
        Assert.Contains("gpu.reset-required", Ids("NVRM: Xid (PCI:0000:0b:00): 154, GPU recovery action changed from 0x0 (None) to 0x2 (Node Reboot Required)\n"));
        Assert.DoesNotContain("gpu.reset-required", Ids("NVRM: Xid (PCI:0000:0b:00): 154, GPU recovery action changed from 0x1 (GPU Reset Required) to 0x0 (None)\n"));
    }

    [Fact]
    public void Proprietary_module_on_a_gpu_that_needs_the_open_one_is_recognised()
    {
        var log = "[    5.559842] NVRM: The NVIDIA GPU 0000:02:00.0 (PCI ID: 10de:2c58)\n               NVRM: installed in this system requires use of the NVIDIA open kernel modules.\n[    5.559858] NVRM: GPU 0000:02:00.0: RmInitAdapter failed! (0x22:0x56:884)\n";
        Assert.Contains("gpu.open-module-required", Ids(log));
    }

    [Fact]
    public void Vfio_bar_reservation_failure_is_recognised()
    {
        Assert.Contains("pci.vfio-bar-reserve-failed", Ids("[   44.702115] vfio-pci 0000:05:00.0: BAR 0: can't reserve [mem 0xd0000000-0xdfffffff 64bit pref]\n"));
    }

    [Fact]
    public void Kernel_without_efi_under_ovmf_shows_as_single_cpu_smp_not_detected()
    {
        Assert.Contains("kernel.config-efi-missing", Ids("[    0.044426] smpboot: SMP motherboard not detected\n[    0.044436] smpboot: Local APIC not detected. Using dummy APIC emulation.\n"));
    }

    [Fact]
    public void Nouveau_owning_the_gpu_is_recognised_from_the_nvidia_probe_message()
    {
        var log = "[ 4241.434068] NVRM: The NVIDIA probe routine was not called for 1 device(s).\n[ 4241.435063] NVRM: This can occur when a driver such as:\n               NVRM: nouveau, rivafb, nvidiafb or rivatv\n";
        Assert.Contains("gpu.nouveau-bound", Ids(log));
    }

    [Fact]
    public void Any_mlx5_command_timeout_is_recognised_not_only_teardown()
    {
        Assert.Contains("rdma.mlx5-cmd-timeout", Ids("mlx5_core 0000:3b:00.0: wait_func:1088:(pid 77): QUERY_VPORT_COUNTER(0x770) timeout. Will cause a leak of a command resource\n"));
    }

    [Fact]
    public void Near_misses_produce_no_failure()
    {
        var log = string.Join('\n',
            "[   12.000000] NVRM: loading NVIDIA UNIX Open Kernel Module for x86_64  550.127.05",
            "[   13.000000] CPU1: Core temperature/speed normal",
            "[   14.000000] virt/tdx: TDX module initialized",
            "[   15.000000] swiotlb: mapped [mem 0x00000000bbf1e000-0x00000000bff1e000] (64MB)",
            "[   16.000000] DMAR: IOMMU enabled",
            "[   17.000000] NVRM: Xid (PCI:0000:0b:00): 154, GPU recovery action changed from 0x1 (GPU Reset Required) to 0x0 (None)",
            "[   18.000000] mlx5_core 0000:18:00.1: E-Switch: cleanup",
            "[   19.000000] nvidia-persistenced[1234]: Verbose syslog connection opened",
            string.Empty);
        Assert.Empty(Ids(log));
    }
}
