using System.Text.Json;
using System.Text.Json.Nodes;

namespace CvmCheck.Cli.Tests;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class CollectTests
{
    private const string Production = "h100-tdx-cc-production";

    [Fact]
    public void Collected_snapshot_of_this_host_gives_the_same_report_as_the_live_run()
    {
        using var fakes = new LiveFakes();
        var snapshot = Path.Combine(fakes.Temp, "s");

        var live = fakes.Run("check", "--policy", Production, "--format", "json", "--command-timeout", "2s");
        var collect = fakes.Run("collect", "--snapshot", snapshot, "--command-timeout", "2s");
        var replay = fakes.Run("check", "--root", snapshot, "--policy", Production, "--format", "json");

        Assert.Equal(0, collect.ExitCode);
        Assert.Equal(live.ExitCode, replay.ExitCode);
        Assert.Equal(Comparable(live.Stdout), Comparable(replay.Stdout));
    }

    [Fact]
    public void Collected_snapshot_of_a_host_whose_nvidia_smi_fails_replays_the_same_report()
    {
        using var fakes = new LiveFakes { RealPathToo = false };
        fakes.RootFile("proc/cpuinfo", "processor\t: 0\nflags\t\t: fpu tdx_guest\n");
        fakes.RootFile("proc/cmdline", "console=ttyS0\n");
        fakes.RootFile("dev/tdx_guest", string.Empty);
        fakes.RootFile("sys/firmware/efi/.keep", string.Empty);
        fakes.RootFile("dev/kmsg", "6,1,0,-;tdx: Guest detected\n");
        fakes.Executable("nvidia-smi", "echo 'Unable to determine the device handle for GPU0000:17:00.0: Unknown Error'\nexit 9");
        fakes.Executable("systemctl", "sleep 1000");
        var snapshot = Path.Combine(fakes.Temp, "s");

        var live = fakes.Run("check", "--policy", Production, "--format", "json", "--command-timeout", "1s");
        var collect = fakes.Run("collect", "--snapshot", snapshot, "--command-timeout", "1s");
        var replay = fakes.Run("check", "--root", snapshot, "--policy", Production, "--format", "json");

        Assert.Equal(0, collect.ExitCode);
        Assert.Equal(Comparable(live.Stdout), Comparable(replay.Stdout));
        Assert.Equal("9\n", File.ReadAllText(Path.Combine(snapshot, "commands/nvidia-smi_-q_-x.exit")));
        Assert.Equal("timeout\n", File.ReadAllText(Path.Combine(snapshot, "commands/systemctl_is-active_nvidia-persistenced.exit")));
        Assert.Equal(0, new FileInfo(Path.Combine(snapshot, "dev/tdx_guest")).Length);
        Assert.True(Directory.Exists(Path.Combine(snapshot, "sys/firmware/efi")));
        Assert.Equal("timeout", replay.Fact("nvidia.persistenced.active").GetProperty("reason").GetString());
    }

    [Fact]
    public void Collect_refuses_a_non_empty_snapshot_directory_unless_forced()
    {
        using var fakes = new LiveFakes { RealPathToo = false };
        fakes.RootFile("proc/cmdline", "quiet\n");
        var snapshot = Path.Combine(fakes.Temp, "s");
        Directory.CreateDirectory(snapshot);
        File.WriteAllText(Path.Combine(snapshot, "keep-me"), "x");

        var refused = fakes.Run("collect", "--snapshot", snapshot);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("not empty", refused.Stderr, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(snapshot, "keep-me")));

        var forced = fakes.Run("collect", "--snapshot", snapshot, "--force");
        Assert.Equal(0, forced.ExitCode);
        Assert.False(File.Exists(Path.Combine(snapshot, "keep-me")));
        Assert.Equal("quiet\n", File.ReadAllText(Path.Combine(snapshot, "proc/cmdline")));
        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(fakes.Temp), p => Path.GetFileName(p).StartsWith('.')); // no temporary or old directory left
    }

    [Fact]
    public void Collect_without_a_target_or_with_a_missing_parent_is_bad_input()
    {
        using var fakes = new LiveFakes { RealPathToo = false };
        fakes.RootFile("proc/cmdline", "quiet\n");

        Assert.Equal(2, fakes.Run("collect").ExitCode);
        Assert.Equal(2, fakes.Run("collect", "--snapshot", Path.Combine(fakes.Temp, "no", "such", "parent")).ExitCode);
    }

    [Fact]
    public void Collect_validates_a_given_policy_but_runs_every_probe_anyway()
    {
        using var fakes = new LiveFakes { RealPathToo = false };
        fakes.RootFile("proc/cmdline", "quiet\n");
        fakes.RootFile("sys/bus/pci/devices/0000:00:02.0/vendor", "0x8086\n");
        var snapshot = Path.Combine(fakes.Temp, "s");

        Assert.Equal(2, fakes.Run("collect", "--snapshot", snapshot, "--policy", Path.Combine(fakes.Temp, "missing.yaml")).ExitCode);
        Assert.False(Directory.Exists(snapshot));

        Assert.Equal(0, fakes.Run("collect", "--snapshot", snapshot, "--policy", "baseline").ExitCode);
        Assert.True(File.Exists(Path.Combine(snapshot, "sys/bus/pci/devices/0000:00:02.0/vendor")), "the PCI probe ran although baseline has no PCI rule");
    }

    [Fact]
    public void Collect_from_a_snapshot_root_writes_a_snapshot_that_replays_the_same_facts()
    {
        using var fakes = new LiveFakes { RealPathToo = false };
        fakes.RootFile("proc/cpuinfo", "processor\t: 0\nflags\t\t: fpu\n");
        fakes.RootFile("proc/cmdline", "console=ttyS0 intel_iommu=on\n");
        var first = Path.Combine(fakes.Temp, "first");
        var second = Path.Combine(fakes.Temp, "second");

        Assert.Equal(0, fakes.Run("collect", "--snapshot", first).ExitCode);
        Assert.Equal(0, fakes.Run("collect", "--root", first, "--snapshot", second).ExitCode);

        var a = fakes.Run("facts", "--root", first, "--format", "json");
        var b = fakes.Run("facts", "--root", second, "--format", "json");
        Assert.Equal(a.Stdout, b.Stdout);
    }

    /// <summary>The report without what differs between runs by design: when, and from which source.</summary>
    private static string Comparable(string json)
    {
        var node = JsonNode.Parse(json)!.AsObject();
        node.Remove("timestamp");
        node.Remove("source");
        return node.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }
}
