using CvmCheck.Core.Sources;
using CvmCheck.Testing;

namespace CvmCheck.Core.Tests.Sources;

public sealed class SnapshotSourceTests
{
    [Fact]
    public void Files_commands_and_missing_artifacts_are_read_as_the_layout_says()
    {
        using var dir = new TempDir();
        dir.Write("proc/cmdline", "ro quiet\n");
        dir.Write("commands/uname_-r.out", "6.8.0\n");
        dir.Write("commands/uname_-r.exit", "0\n");
        dir.Write("commands/nvidia-smi_-q_-x.exit", "timeout\n");
        dir.Write("commands/nvidia-smi_conf-compute_-f.exit", "not-found");
        var source = new SnapshotSource(dir.Path);

        Assert.Equal("ro quiet\n", source.ReadFile("proc/cmdline").Text);
        Assert.Equal(ArtifactStatus.Absent, source.ReadFile("proc/cpuinfo").Status);
        var uname = source.RunCommand(KnownCommands.UnameRelease);
        Assert.True(uname.Succeeded);
        Assert.Equal("commands/uname_-r.out", uname.ArtifactPath);
        Assert.Equal(CommandStatus.Timeout, source.RunCommand(KnownCommands.NvidiaSmiXml).Status);
        Assert.Equal(CommandStatus.NotFound, source.RunCommand(KnownCommands.ConfComputeFeature).Status);
        Assert.Equal(CommandStatus.NotRecorded, source.RunCommand(KnownCommands.PersistencedActive).Status);
    }

    [Fact]
    public void An_error_file_marks_an_unreadable_artifact_with_its_reason()
    {
        using var dir = new TempDir();
        dir.Write("proc/driver/nvidia/params.error", "permission denied\n");
        var read = new SnapshotSource(dir.Path).ReadFile("proc/driver/nvidia/params");
        Assert.Equal(ArtifactStatus.Unreadable, read.Status);
        Assert.Equal("unreadable: permission denied", read.Reason);
    }

    [Fact]
    public void A_symbolic_link_inside_a_snapshot_is_refused_and_never_followed()
    {
        using var outside = new TempDir();
        outside.Write("secret", "do not read");
        using var dir = new TempDir();
        Directory.CreateDirectory(Path.Combine(dir.Path, "proc"));
        File.CreateSymbolicLink(Path.Combine(dir.Path, "proc", "cpuinfo"), Path.Combine(outside.Path, "secret"));
        Directory.CreateSymbolicLink(Path.Combine(dir.Path, "etc"), outside.Path);
        var source = new SnapshotSource(dir.Path);

        var read = source.ReadFile("proc/cpuinfo");
        Assert.Equal(ArtifactStatus.Unreadable, read.Status);
        Assert.Contains("symbolic link", read.Reason, StringComparison.Ordinal);
        Assert.Equal(ArtifactStatus.Unreadable, source.ReadFile("etc/secret").Status);
        Assert.Empty(source.ListDirectory("etc"));
    }

    [Theory]
    [InlineData("../outside")]
    [InlineData("proc/../../outside")]
    [InlineData("./proc/cmdline")]
    public void Path_traversal_is_refused(string path)
    {
        using var dir = new TempDir();
        var read = new SnapshotSource(dir.Path).ReadFile(path);
        Assert.Equal(ArtifactStatus.Unreadable, read.Status);
    }

    [Fact]
    public void A_malformed_exit_record_is_reported_not_thrown()
    {
        using var dir = new TempDir();
        dir.Write("commands/uname_-r.out", "6.8.0\n");
        dir.Write("commands/uname_-r.exit", "banana");
        var output = new SnapshotSource(dir.Path).RunCommand(KnownCommands.UnameRelease);
        Assert.Equal(CommandStatus.Failed, output.Status);
        Assert.Contains("banana", output.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_command_that_could_not_start_replays_with_its_recorded_reason()
    {
        using var dir = new TempDir();
        dir.Write("commands/uname_-r.exit", "failed: could not start: Exec format error\n");
        var output = new SnapshotSource(dir.Path).RunCommand(KnownCommands.UnameRelease);
        Assert.Equal(CommandStatus.Failed, output.Status);
        Assert.Equal("could not start: Exec format error", output.Detail);
    }
}
