using System.Diagnostics;
using CvmCheck.Core.Facts;
using CvmCheck.Core.KernelLog;
using CvmCheck.Core.Probes;
using CvmCheck.Core.Sources;
using CvmCheck.Core.Sources.Live;

namespace CvmCheck.Core.Tests.Live;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class LiveSourceTests
{
    [Fact]
    public void Snapshot_relative_paths_map_onto_the_root()
    {
        using var host = new FakeHost();
        host.File("proc/cpuinfo", "flags\t\t: fpu tdx_guest\n");

        var read = host.Source().ReadFile("proc/cpuinfo");

        Assert.True(read.Ok);
        Assert.Equal("flags\t\t: fpu tdx_guest\n", read.Text);
    }

    [Theory]
    [InlineData("etc/shadow")]
    [InlineData("home/user/.ssh/id_rsa")]
    [InlineData("proc/../etc/shadow")]
    public void Paths_off_the_live_read_list_are_refused(string path)
    {
        using var host = new FakeHost();
        host.File("etc/shadow", "root:x");
        host.File("home/user/.ssh/id_rsa", "key");

        var read = host.Source().ReadFile(path);

        Assert.Equal(ArtifactStatus.Unreadable, read.Status);
        Assert.Empty(read.Bytes);
    }

    [Fact]
    public void Modprobe_configuration_and_os_release_are_on_the_read_list()
    {
        using var host = new FakeHost();
        host.File("etc/os-release", "ID=ubuntu\n");
        host.File("etc/modprobe.d/nvidia.conf", "options nvidia NVreg_OpenRmEnableUnsupportedGpus=1\n");
        var source = host.Source();

        Assert.True(source.ReadFile("etc/os-release").Ok);
        Assert.Equal(["nvidia.conf"], source.ListDirectory("etc/modprobe.d"));
        Assert.True(source.ReadFile("etc/modprobe.d/nvidia.conf").Ok);
    }

    [Fact]
    public void A_symbolic_link_under_sys_reads_as_its_target()
    {
        using var host = new FakeHost();
        host.Directory_("sys/kernel/iommu_groups/12/devices");
        host.Link("sys/bus/pci/devices/0000:17:00.0/iommu_group", "../../../kernel/iommu_groups/12");

        var read = host.Source().ReadFile("sys/bus/pci/devices/0000:17:00.0/iommu_group");

        Assert.True(read.Ok);
        Assert.True(read.IsLink);
        Assert.Equal("../../../kernel/iommu_groups/12", read.Text);
    }

    [Fact]
    public void A_sysfs_file_is_read_to_its_end_whatever_size_it_reports()
    {
        using var host = new FakeHost();
        var big = string.Concat(Enumerable.Repeat("0x0000000000000000 0x0000000000000000 0x0000000000000000\n", 200));
        host.File("sys/bus/pci/devices/0000:17:00.0/resource", big);

        Assert.Equal(big.Length, host.Source().ReadFile("sys/bus/pci/devices/0000:17:00.0/resource").Bytes.Length);
    }

    [Fact]
    public void Real_procfs_files_that_report_size_zero_are_read_whole()
    {
        var source = new LiveSource();
        var read = source.ReadFile("proc/cpuinfo");

        Assert.True(read.Ok);
        Assert.Equal(0, new FileInfo("/proc/cpuinfo").Length);
        Assert.Contains("processor", read.Text, StringComparison.Ordinal);
    }

    [NotAsRootFact]
    public void A_file_that_cannot_be_read_is_unreadable_permission_denied()
    {
        using var host = new FakeHost();
        var path = host.File("proc/cmdline", "secret");
        File.SetUnixFileMode(path, UnixFileMode.None);

        var read = host.Source().ReadFile("proc/cmdline");

        Assert.Equal(ArtifactStatus.Unreadable, read.Status);
        Assert.Equal("unreadable: permission denied", read.Reason);
    }

    [Fact]
    public void Missing_file_is_absent()
    {
        using var host = new FakeHost();
        Assert.Equal(ArtifactStatus.Absent, host.Source().ReadFile("proc/driver/nvidia/version").Status);
    }

    [Fact]
    public void Cpuid_leaf_0x21_is_served_as_the_cpuid_artifact_and_makes_a_tdx_guest()
    {
        using var host = new FakeHost();
        var source = host.Source(cpuid: "IntelTDX    ");

        Assert.Equal("IntelTDX    ", source.ReadFile("cpuid/0x21").Text);
        var facts = ProbeRunner.Collect(source);
        Assert.Equal(true, facts.Get(FactNames.TdxGuestDetected).Value);
        Assert.Equal("cpuid/0x21", facts.Get(FactNames.TdxGuestDetected).Artifact);
    }

    [Fact]
    public void No_cpuid_leaf_0x21_means_no_cpuid_artifact()
    {
        using var host = new FakeHost();
        var source = host.Source(cpuid: null);

        Assert.False(source.Exists("cpuid/0x21"));
        Assert.Equal(ArtifactStatus.Absent, source.ReadFile("cpuid/0x21").Status);
    }

    [Fact]
    public void Cpuid_registers_EBX_EDX_ECX_spell_the_TDX_vendor()
    {
        // "Inte" "lTDX" "    " as little-endian 32-bit registers, the order of CPUID leaf 0's vendor string.
        Assert.Equal("IntelTDX    ", CpuidReader.Vendor(0x65746E49, 0x5844546C, 0x20202020));
        Assert.Null(CpuidReader.Vendor(0, 0, 0));
    }

    [Fact]
    public void The_real_cpu_is_asked_for_cpuid_leaf_0x21_without_failing()
    {
        // This development host is not a TDX guest: whatever the CPU answers, it is not the TDX vendor.
        Assert.NotEqual("IntelTDX    ", CpuidReader.Leaf21Vendor());
    }

    [KmsgFact]
    public void Real_dev_kmsg_is_read_without_blocking()
    {
        var clock = Stopwatch.StartNew();
        var read = new LiveSource().ReadFile("dev/kmsg");

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"reading /dev/kmsg took {clock.Elapsed}");
        if (read.Ok)
        {
            // Records: "priority,sequence,microseconds,flags;text".
            Assert.Matches(@"^\d+,\d+,\d+,[^;]*;", read.Text!);
        }
        else
        {
            Assert.StartsWith("unreadable: ", read.Reason, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Kernel_log_falls_back_to_dmesg_when_there_is_no_dev_kmsg()
    {
        using var host = new FakeHost();
        host.Executable("dmesg", "echo '[    0.000000] tdx: Guest detected'");
        var source = host.Source();

        Assert.Equal("commands/dmesg.out", KernelLogLocator.Find(source));
        var facts = ProbeRunner.Collect(source);
        Assert.Equal(true, facts.Get(FactNames.TdxGuestDetected).Value);
        Assert.Equal("commands/dmesg.out", facts.Get(FactNames.TdxGuestDetected).Artifact);
    }

    [Fact]
    public void Kernel_log_falls_back_to_journalctl_when_dmesg_fails()
    {
        using var host = new FakeHost();
        host.Executable("dmesg", "echo 'dmesg: read kernel buffer failed: Operation not permitted' >&2\nexit 1");
        host.Executable("journalctl", "echo 'Nov 23 kernel: tdx: Guest detected'");

        Assert.Equal("commands/journalctl_-k_-b_--no-pager.out", KernelLogLocator.Find(host.Source()));
    }

    [Fact]
    public void Each_command_runs_once_per_source()
    {
        using var host = new FakeHost();
        var counter = Path.Combine(host.Scratch, "runs");
        host.Executable("uname", $"echo run >> {counter}\necho 6.8.0-1014-intel");
        var source = host.Source();

        source.RunCommand(KnownCommands.UnameRelease);
        source.RunCommand(KnownCommands.UnameRelease);

        Assert.Single(File.ReadAllLines(counter));
    }

    [Fact]
    public void Prefetched_commands_that_hang_cost_one_timeout_together()
    {
        using var host = new FakeHost();
        host.Executable("nvidia-smi", "sleep 1000");
        var source = host.Source(TimeSpan.FromSeconds(1));

        var clock = Stopwatch.StartNew();
        source.Prefetch(LiveSource.DefaultPrefetch);
        var outputs = LiveSource.DefaultPrefetch.Select(source.RunCommand).ToArray();

        Assert.All(outputs.Where(o => o.Argv[0] == "nvidia-smi"), o => Assert.Equal(CommandStatus.Timeout, o.Status));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3.5), $"took {clock.Elapsed}");
    }

    [Fact]
    public void Commands_off_the_allow_list_are_never_run()
    {
        using var host = new FakeHost();
        var marker = Path.Combine(host.Scratch, "ran");
        host.Executable("rm", $"touch {marker}");

        var output = host.Source().RunCommand(["rm", "-rf", "/"]);

        Assert.Equal(CommandStatus.Failed, output.Status);
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public void An_empty_root_and_no_commands_give_facts_with_reasons_not_a_crash()
    {
        using var host = new FakeHost();
        var facts = ProbeRunner.Collect(host.Source());

        Assert.Equal(false, facts.Get(FactNames.TdxGuestDetected).Value);
        Assert.Null(facts.Get(FactNames.GpuCount).Value);
        Assert.Equal(FactReasons.NotFound, facts.Get(FactNames.GpuCount).Reason);
        // No proc/sys/kernel/osrelease, and its fallback 'uname -r' is not on the search path.
        Assert.Equal(FactReasons.NotFound, facts.Get(FactNames.KernelVersion).Reason);
        Assert.Equal(FactReasons.Absent, facts.Get(FactNames.PciNvidiaCount).Reason);
    }

    [Fact]
    public void A_device_node_present_on_the_fake_root_makes_tdx_device_present()
    {
        using var host = new FakeHost();
        host.File("dev/tdx_guest", string.Empty);
        host.File("sys/kernel/config/tsm/report/report0/provider", "tdx_guest\n");

        var facts = ProbeRunner.Collect(host.Source());

        Assert.Equal(true, facts.Get(FactNames.TdxDevicePresent).Value);
        Assert.Equal(true, facts.Get(FactNames.TdxTsmAvailable).Value);
        Assert.Equal("tdx_guest", facts.Get(FactNames.TdxTsmProvider).Value);
        Assert.Equal(true, facts.Get(FactNames.TdxGuestDetected).Value);
    }
}
