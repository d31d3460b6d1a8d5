using CvmCheck.Core.Facts;
using CvmCheck.Core.Probes;
using CvmCheck.Core.Sources;
using CvmCheck.Testing;

namespace CvmCheck.Core.Tests.Probes;

/// <summary>
/// Probe behaviour on small snapshots written in each test. Real captures are used where they exist
/// (copied from fixtures/captures); the rest are synthetic inputs for cases no public capture shows,
/// and say so.
/// </summary>
public sealed class ProbeBehaviourTests
{
    private static FactSet Collect(TempDir dir) => ProbeRunner.Collect(new SnapshotSource(dir.Path));

    private static string Capture(string folder, string file) => File.ReadAllText(Repo.Fixture("captures", folder, file));

    [Fact]
    public void A_tdx_host_is_not_a_tdx_guest()
    {
        using var dir = new TempDir();
        dir.Write("commands/dmesg.out", Capture("tdx-guest", "canonical-tdx-162_HOST-dmesg-grep-tdx.txt"));
        var facts = Collect(dir);
        Assert.Equal(false, facts.Get(FactNames.TdxGuestDetected).Value);
        Assert.Equal("1.5.595", facts.Get(FactNames.TdxModuleVersion).Value);
    }

    [Theory]
    [InlineData("img-proof-437_dmesg-grep-tdx.txt")]
    [InlineData("canonical-tdx-162_guest-dmesg-grep-tdx.txt")]
    public void Guest_kernel_logs_detect_a_tdx_guest_and_cite_the_line(string file)
    {
        using var dir = new TempDir();
        dir.Write("commands/dmesg.out", Capture("tdx-guest", file));
        var fact = Collect(dir).Get(FactNames.TdxGuestDetected);
        Assert.Equal(true, fact.Value);
        Assert.Equal("commands/dmesg.out", fact.Artifact);
        Assert.NotNull(fact.Line);
    }

    [Fact]
    public void Kmsg_records_are_preferred_and_read()
    {
        // Synthetic /dev/kmsg records (format: "prio,seq,usec,flags;message") around the real guest line.
        using var dir = new TempDir();
        dir.Write("dev/kmsg", "6,1,0,-;Linux version 6.8.0\n6,2,0,-;tdx: Guest detected\n");
        Assert.Equal(2, Collect(dir).Get(FactNames.TdxGuestDetected).Line);
    }

    [Fact]
    public void A_sev_snp_configfs_tsm_provider_does_not_make_a_tdx_guest()
    {
        // Synthetic tree matching coconut-svsm#418 (provider sev_guest).
        using var dir = new TempDir();
        dir.Write("sys/kernel/config/tsm/report/r0/provider", "sev_guest\n");
        var facts = Collect(dir);
        Assert.Equal(true, facts.Get(FactNames.TdxTsmAvailable).Value);
        Assert.Equal("sev_guest", facts.Get(FactNames.TdxTsmProvider).Value);
        Assert.Equal(false, facts.Get(FactNames.TdxGuestDetected).Value);
    }

    [Theory]
    [InlineData("proc/cpuinfo", "processor\t: 0\nflags\t\t: fpu tdx_guest x2apic\n")]
    [InlineData("cpuid/0x21", "IntelTDX    ")]
    [InlineData("dev/tdx_guest", "")]
    [InlineData("sys/kernel/config/tsm/report/r0/provider", "tdx_guest\n")]
    public void Each_guest_marker_alone_detects_a_tdx_guest(string path, string content)
    {
        using var dir = new TempDir();
        dir.Write(path, content);
        Assert.Equal(true, Collect(dir).Get(FactNames.TdxGuestDetected).Value);
    }

    [Fact]
    public void No_devices_were_found_is_zero_gpus_not_an_error()
    {
        using var dir = new TempDir();
        dir.Write("commands/nvidia-smi_-q_-x.out", "No devices were found\n");
        dir.Write("commands/nvidia-smi_-q_-x.exit", "6\n");
        var facts = Collect(dir);
        Assert.Equal(0L, facts.Get(FactNames.GpuCount).Value);
        Assert.Equal("No devices were found", facts.Get(FactNames.NvidiaSmiStatus).Value);
    }

    [Theory]
    [InlineData("9", null, "exit 9")]
    [InlineData("timeout", null, "timeout")]
    [InlineData("0", "<nvidia_smi_log><driver_version>580", "unparseable")]
    public void Nvidia_smi_failures_leave_gpu_count_null_with_the_reason(string exit, string? stdout, string reason)
    {
        using var dir = new TempDir();
        dir.Write("commands/nvidia-smi_-q_-x.exit", exit);
        if (stdout is not null)
        {
            dir.Write("commands/nvidia-smi_-q_-x.out", stdout);
        }

        var count = Collect(dir).Get(FactNames.GpuCount);
        Assert.Null(count.Value);
        Assert.StartsWith(reason, count.Reason, StringComparison.Ordinal);
        Assert.False(count.IsAbsent);
    }

    [Fact]
    public void A_host_without_nvidia_smi_has_an_absent_gpu_count()
    {
        using var dir = new TempDir();
        dir.Write("commands/nvidia-smi_-q_-x.exit", "not-found");
        var count = Collect(dir).Get(FactNames.GpuCount);
        Assert.Null(count.Value);
        Assert.Equal("not-found", count.Reason);
        Assert.True(count.IsAbsent);
    }

    [Fact]
    public void The_text_q_report_stands_in_when_no_xml_was_recorded()
    {
        using var dir = new TempDir();
        dir.Write("commands/nvidia-smi_-q.out", Capture("nvidia-smi-q", "gls_h100nvlx2_q.txt"));
        var facts = Collect(dir);
        Assert.Equal(2L, facts.Get(FactNames.GpuCount).Value);
        Assert.Equal("96.00.74.00.11", facts.Get("gpu[1].vbios.version").Value);
        Assert.Equal("550.54.14", facts.Get("gpu[1].driver.version").Value);
    }

    [Fact]
    public void Cc_state_is_copied_to_every_gpu_with_its_evidence()
    {
        using var dir = new TempDir();
        dir.Write("commands/nvidia-smi_-q_-x.out", Capture("nvidia-smi-xml", "k8stestinfra_gb200-4x-580.xml"));
        dir.Write("commands/nvidia-smi_conf-compute_-f.out", "CC status: ON\n");
        var facts = Collect(dir);
        for (var i = 0; i < 4; i++)
        {
            var mode = facts.Get($"gpu[{i}].cc.mode");
            Assert.Equal("on", mode.Value);
            Assert.Equal("commands/nvidia-smi_conf-compute_-f.out", mode.Artifact);
        }

        Assert.True(facts.Get("gpu[0].cc.ready").IsAbsent);
    }

    [Fact]
    public void Module_parameters_of_the_loaded_module_win_over_modprobe_configuration()
    {
        // Synthetic: the running module reports 0, modprobe.d asks for 1 at the next load.
        using var dir = new TempDir();
        dir.Write("proc/driver/nvidia/params", "EnableS0ixPowerManagement: 0\nEnableGpuFirmware: 18\n");
        dir.Write("etc/modprobe.d/nvidia.conf", "options nvidia NVreg_EnableS0ixPowerManagement=1 NVreg_OpenRmEnableUnsupportedGpus=1\n");
        var facts = Collect(dir);
        Assert.Equal("0", facts.Get("module.nvidia.param.NVreg_EnableS0ixPowerManagement").Value);
        Assert.Equal("1", facts.Get("module.nvidia.param.NVreg_OpenRmEnableUnsupportedGpus").Value);
        Assert.Equal("etc/modprobe.d/nvidia.conf", facts.Get("module.nvidia.param.NVreg_OpenRmEnableUnsupportedGpus").Artifact);
        Assert.True(facts.Get("module.nvidia.param.NVreg_Nonexistent").IsAbsent);
    }

    [Fact]
    public void Kernel_config_answers_any_option_and_unset_means_n()
    {
        using var dir = new TempDir();
        dir.Write("proc/sys/kernel/osrelease", "6.2.0-mvp10v1+8-generic\n");
        dir.Write("boot/config-6.2.0-mvp10v1+8-generic", "# CONFIG_EFI is not set\nCONFIG_INTEL_TDX_GUEST=y\nCONFIG_HZ=250\n");
        var facts = Collect(dir);
        Assert.Equal("n", facts.Get("kernel.config.CONFIG_EFI").Value);
        Assert.Equal(1, facts.Get("kernel.config.CONFIG_EFI").Line);
        Assert.Equal("y", facts.Get("kernel.config.CONFIG_INTEL_TDX_GUEST").Value);
        Assert.Equal("250", facts.Get("kernel.config.CONFIG_HZ").Value);
        Assert.Equal("n", facts.Get("kernel.config.CONFIG_NOT_MENTIONED").Value);
    }

    [Fact]
    public void Compressed_proc_config_is_read_when_no_boot_config_exists()
    {
        using var dir = new TempDir();
        using var buffer = new MemoryStream();
        using (var gz = new System.IO.Compression.GZipStream(buffer, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        {
            gz.Write("CONFIG_EFI=y\n"u8);
        }

        dir.WriteBytes("proc/config.gz", buffer.ToArray());
        var facts = Collect(dir);
        Assert.Equal("y", facts.Get("kernel.config.CONFIG_EFI").Value);
        Assert.Equal("proc/config.gz", facts.Get(FactNames.KernelConfigSource).Value);
    }

    [Fact]
    public void Ovmf_without_efi_runtime_is_uefi_firmware_with_efi_runtime_false()
    {
        // Synthetic seed-002 shape: DMI vendor EDK II, no sys/firmware/efi, one CPU online of eight.
        using var dir = new TempDir();
        dir.Write("sys/class/dmi/id/bios_vendor", "EDK II\n");
        dir.Write("sys/devices/system/cpu/present", "0-7\n");
        dir.Write("sys/devices/system/cpu/online", "0\n");
        var facts = Collect(dir);
        Assert.Equal("uefi", facts.Get(FactNames.PlatformFirmware).Value);
        Assert.Equal(false, facts.Get(FactNames.PlatformEfiRuntime).Value);
        Assert.Equal(7L, facts.Get(FactNames.CpuOfflineCount).Value);
    }

    [Fact]
    public void Seabios_is_bios_firmware()
    {
        using var dir = new TempDir();
        dir.Write("sys/class/dmi/id/bios_vendor", "SeaBIOS\n");
        Assert.Equal("bios", Collect(dir).Get(FactNames.PlatformFirmware).Value);
    }

    [Fact]
    public void An_empty_snapshot_gives_null_facts_with_reasons_and_never_throws()
    {
        using var dir = new TempDir();
        var facts = Collect(dir);
        Assert.True(facts.Count > 20);
        Assert.All(facts.All.Where(f => f.Value is null), f => Assert.NotNull(f.Reason));
        Assert.True(facts.Get(FactNames.GpuCount).IsAbsent);
        Assert.True(facts.Get(FactNames.NvidiaDriverVersion).IsAbsent);
    }

    [Fact]
    public void Persistenced_inactive_is_false_not_absent()
    {
        using var dir = new TempDir();
        dir.Write("commands/systemctl_is-active_nvidia-persistenced.out", "inactive\n");
        dir.Write("commands/systemctl_is-active_nvidia-persistenced.exit", "3\n");
        Assert.Equal(false, Collect(dir).Get(FactNames.NvidiaPersistencedActive).Value);
    }
}
