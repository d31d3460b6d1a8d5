using System.Security.Cryptography;
using System.Text;
using CvmCheck.Core.Facts;
using CvmCheck.Core.Probes;
using CvmCheck.Core.Snapshots;
using CvmCheck.Core.Sources;
using CvmCheck.Core.Tests.Live;
using CvmCheck.Testing;

namespace CvmCheck.Core.Tests.Sources;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class RecordingSourceTests
{
    [Fact]
    public void Every_file_read_is_recorded_with_its_bytes_and_sha384()
    {
        using var host = new FakeHost();
        host.File("proc/cmdline", "console=ttyS0 intel_iommu=on\n");
        var recording = new RecordingSource(host.Source());

        recording.ReadFile("proc/cmdline");

        var artifact = Assert.Single(recording.Artifacts);
        Assert.Equal("proc/cmdline", artifact.Path);
        Assert.Equal(RecordedArtifactKind.File, artifact.Kind);
        Assert.Equal("console=ttyS0 intel_iommu=on\n", Encoding.UTF8.GetString(artifact.Bytes));
        Assert.Equal(Convert.ToHexStringLower(SHA384.HashData(artifact.Bytes)), artifact.Sha384);
    }

    [Fact]
    public void Commands_are_recorded_with_argv_stdout_stderr_and_exit()
    {
        using var host = new FakeHost();
        host.Executable("nvidia-smi", "echo out\necho err >&2\nexit 9");
        var recording = new RecordingSource(host.Source());

        recording.RunCommand(Core.Sources.KnownCommands.NvidiaSmiXml);

        var artifact = Assert.Single(recording.Artifacts);
        Assert.Equal(RecordedArtifactKind.Command, artifact.Kind);
        Assert.Equal(["nvidia-smi", "-q", "-x"], artifact.Argv);
        Assert.Equal("9", artifact.Exit);
        Assert.Equal(
            ["commands/nvidia-smi_-q_-x.out", "commands/nvidia-smi_-q_-x.err", "commands/nvidia-smi_-q_-x.exit"],
            artifact.Files.Select(f => f.Path));
        Assert.Equal(["out\n", "err\n", "9\n"], artifact.Files.Select(f => Encoding.UTF8.GetString(f.Bytes)));
    }

    [Fact]
    public void Snapshot_holds_links_as_files_errors_as_dot_error_commands_as_out_err_exit_and_listed_directories()
    {
        using var host = new FakeHost();
        host.File("dev/tdx_guest", string.Empty);
        host.Directory_("sys/firmware/efi");
        host.Directory_("sys/kernel/iommu_groups/12/devices/0000:17:00.0");
        host.Link("sys/bus/pci/devices/0000:17:00.0/iommu_group", "../../../kernel/iommu_groups/12");
        host.Executable("nvidia-smi", "sleep 1000");
        var recording = new RecordingSource(host.Source(TimeSpan.FromSeconds(1)));
        using var target = new TempDir();

        Assert.True(recording.Exists("dev/tdx_guest"));
        Assert.True(recording.Exists("sys/firmware/efi"));
        recording.ListDirectory("sys/kernel/iommu_groups");
        recording.ReadFile("sys/bus/pci/devices/0000:17:00.0/iommu_group");
        recording.ReadFile("etc/shadow");
        recording.RunCommand(Core.Sources.KnownCommands.NvidiaSmiXml);
        recording.RunCommand(Core.Sources.KnownCommands.UnameRelease);
        SnapshotWriter.Write(recording.Artifacts, target.Path);

        string At(string p) => Path.Combine(target.Path, p);
        Assert.True(File.Exists(At("dev/tdx_guest")));
        Assert.Equal(0, new FileInfo(At("dev/tdx_guest")).Length);
        Assert.True(Directory.Exists(At("sys/firmware/efi")));
        Assert.True(Directory.Exists(At("sys/kernel/iommu_groups/12")), "a listed entry must replay in the listing");
        Assert.Null(new FileInfo(At("sys/bus/pci/devices/0000:17:00.0/iommu_group")).LinkTarget);
        Assert.Equal("../../../kernel/iommu_groups/12", File.ReadAllText(At("sys/bus/pci/devices/0000:17:00.0/iommu_group")));
        Assert.Equal("not on the live read list\n", File.ReadAllText(At("etc/shadow.error")));
        Assert.False(File.Exists(At("etc/shadow")));
        Assert.Equal("timeout\n", File.ReadAllText(At("commands/nvidia-smi_-q_-x.exit")));
        Assert.Equal("not-found\n", File.ReadAllText(At("commands/uname_-r.exit")));
        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(target.Path, "*", SearchOption.AllDirectories), p => new FileInfo(p).LinkTarget is not null);
    }

    [Fact]
    public void Facts_from_a_written_snapshot_equal_the_facts_of_the_recorded_run()
    {
        using var host = new FakeHost();
        host.File("proc/cpuinfo", "processor\t: 0\nflags\t\t: fpu tdx_guest\nmodel name\t: Intel(R) Xeon(R) Platinum 8480+\n");
        host.File("proc/cmdline", "console=ttyS0 intel_iommu=on\n");
        host.File("proc/sys/kernel/osrelease", "6.8.0-1014-intel\n");
        host.File("proc/modules", "nvidia 1 0 - Live 0x0\n");
        host.File("proc/driver/nvidia/version", "NVRM version: NVIDIA UNIX Open Kernel Module for x86_64  550.127.05  Release Build  (dvs-builder@U16-I3-B13-4-4)  Tue Oct  8 17:52:32 UTC 2024\n");
        host.File("etc/os-release", "ID=ubuntu\nVERSION_ID=\"24.04\"\n");
        host.File("etc/modprobe.d/nvidia.conf", "options nvidia NVreg_EnableS0ixPowerManagement=1\n");
        host.File("sys/devices/system/cpu/present", "0-7\n");
        host.File("sys/devices/system/cpu/online", "0\n");
        host.File("sys/class/dmi/id/bios_vendor", "EDK II\n");
        host.File("dev/kmsg", "6,1,0,-;tdx: Guest detected\n6,2,0,-;software IO TLB: mapped [mem 0x0000000070000000-0x0000000074000000] (64MB)\n4,3,0,-;nvidia 0000:17:00.0: swiotlb buffer is full (sz: 524288 bytes), total 32768 (slots), used 32768 (slots)\n");
        host.File("sys/bus/pci/devices/0000:17:00.0/vendor", "0x10de\n");
        host.File("sys/bus/pci/devices/0000:17:00.0/resource", "0x0 0x0 0x0\n");
        host.Link("sys/bus/pci/devices/0000:17:00.0/driver", "../../../bus/pci/drivers/nvidia");
        host.Executable("nvidia-smi", "echo '<?xml version=\"1.0\" ?><nvidia_smi_log><driver_version>550.127'");
        host.Executable("systemctl", "echo inactive\nexit 3");
        var recording = new RecordingSource(host.Source(TimeSpan.FromSeconds(2)));
        using var target = new TempDir();

        var live = ProbeRunner.Collect(recording);
        SnapshotWriter.Write(recording.Artifacts, target.Path);
        var replayed = ProbeRunner.Collect(new SnapshotSource(target.Path));

        Assert.Equal(Describe(live), Describe(replayed));
        Assert.Equal(1L, live.Get(FactNames.SwiotlbFullCount).Value);
        Assert.Equal(64L, live.Get(FactNames.SwiotlbSizeMb).Value);
        Assert.StartsWith("unparseable: ", live.Get(FactNames.GpuCount).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Writing_atomically_refuses_a_non_empty_target_unless_forced_and_leaves_no_temporary_directory()
    {
        using var host = new FakeHost();
        host.File("proc/cmdline", "quiet\n");
        var recording = new RecordingSource(host.Source());
        recording.ReadFile("proc/cmdline");
        using var parent = new TempDir();
        var target = Path.Combine(parent.Path, "snap");
        Directory.CreateDirectory(target);
        File.WriteAllText(Path.Combine(target, "old"), "x");

        Assert.Throws<SnapshotWriteException>(() => SnapshotWriter.WriteAtomically(recording.Artifacts, target, force: false));
        Assert.True(File.Exists(Path.Combine(target, "old")));

        SnapshotWriter.WriteAtomically(recording.Artifacts, target, force: true);

        Assert.False(File.Exists(Path.Combine(target, "old")));
        Assert.Equal("quiet\n", File.ReadAllText(Path.Combine(target, "proc/cmdline")));
        Assert.Equal(["snap"], Directory.EnumerateFileSystemEntries(parent.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Paths_that_would_leave_the_snapshot_are_not_written()
    {
        using var parent = new TempDir();
        var target = Path.Combine(parent.Path, "snap");
        Directory.CreateDirectory(target);
        RecordedArtifact[] artifacts =
        [
            new() { Path = "../escape", Kind = RecordedArtifactKind.File, Bytes = [1] },
            new() { Path = "/etc/evil", Kind = RecordedArtifactKind.File, Bytes = [1] },
        ];

        SnapshotWriter.Write(artifacts, target);

        Assert.Equal(["snap"], Directory.EnumerateFileSystemEntries(parent.Path).Select(Path.GetFileName));
        Assert.Empty(Directory.EnumerateFileSystemEntries(target));
    }

    private static string[] Describe(FactSet facts) =>
        facts.Sorted.Select(f => $"{f.Name}={Fact.FormatValue(f.Value)} @{f.Artifact}:{f.Line} ({f.Reason}) [{string.Join(',', f.Consulted)}]").ToArray();
}
