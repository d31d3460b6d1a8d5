using System.Diagnostics;
using CvmCheck.Core.Sources;
using CvmCheck.Core.Sources.Live;

namespace CvmCheck.Core.Tests.Live;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ProcessRunnerTests
{
    private static readonly string[] NvidiaSmi = ["nvidia-smi", "-q", "-x"];

    [Fact]
    public void Command_that_hangs_is_killed_with_its_whole_process_tree_and_reported_as_timeout()
    {
        using var host = new FakeHost();
        var pidFile = Path.Combine(host.Scratch, "child.pid");
        host.Executable("nvidia-smi", $"echo partial\nsleep 1000 &\necho $! > {pidFile}\nwait");
        var runner = new ProcessRunner(new LiveSourceOptions { SearchPath = host.Bin, CommandTimeout = TimeSpan.FromSeconds(1) });

        var clock = Stopwatch.StartNew();
        var output = runner.Run(NvidiaSmi);

        Assert.Equal(CommandStatus.Timeout, output.Status);
        Assert.Equal("timeout", output.FailureReason);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(4));
        Assert.Equal("partial\n", output.StdoutText);
        var child = int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(WaitUntilGone(child), $"the script's child sleep {child} survived the timeout");
    }

    [Fact]
    public void Non_zero_exit_is_reported_with_its_code_stdout_and_stderr()
    {
        using var host = new FakeHost();
        host.Executable("nvidia-smi", "echo out\necho 'NVIDIA-SMI has failed' >&2\nexit 9");
        var output = new ProcessRunner(new LiveSourceOptions { SearchPath = host.Bin }).Run(NvidiaSmi);

        Assert.Equal(CommandStatus.Ran, output.Status);
        Assert.Equal(9, output.ExitCode);
        Assert.Equal("exit 9", output.FailureReason);
        Assert.Equal("out\n", output.StdoutText);
        Assert.Equal("NVIDIA-SMI has failed\n", output.StderrText);
    }

    [Fact]
    public void Missing_binary_is_reported_as_not_found()
    {
        using var host = new FakeHost();
        var output = new ProcessRunner(new LiveSourceOptions { SearchPath = host.Bin }).Run(NvidiaSmi);

        Assert.Equal(CommandStatus.NotFound, output.Status);
        Assert.Equal("not-found", output.FailureReason);
    }

    [Fact]
    public void Binary_is_looked_up_on_the_search_path_at_call_time()
    {
        using var host = new FakeHost();
        var runner = new ProcessRunner(new LiveSourceOptions { SearchPath = host.Bin });
        Assert.Equal(CommandStatus.NotFound, runner.Run(NvidiaSmi).Status);

        host.Executable("nvidia-smi", "echo found");
        Assert.Equal("found\n", runner.Run(NvidiaSmi).StdoutText);
    }

    [Fact]
    public void Arguments_are_passed_verbatim_and_stdin_is_closed()
    {
        using var host = new FakeHost();
        host.Executable("nvidia-smi", "printf '%s|' \"$@\"\ncat");
        var output = new ProcessRunner(new LiveSourceOptions { SearchPath = host.Bin, CommandTimeout = TimeSpan.FromSeconds(5) })
            .Run(["nvidia-smi", "conf-compute", "-f"]);

        Assert.Equal(CommandStatus.Ran, output.Status);
        Assert.Equal("conf-compute|-f|", output.StdoutText);
    }

    [Fact]
    public void Output_beyond_the_bound_is_dropped_and_the_command_still_completes()
    {
        using var host = new FakeHost();
        host.Executable("nvidia-smi", "head -c 1000000 /dev/zero");
        var output = new ProcessRunner(new LiveSourceOptions { SearchPath = host.Bin, MaxCommandOutputBytes = 4096 }).Run(NvidiaSmi);

        Assert.Equal(CommandStatus.Ran, output.Status);
        Assert.Equal(4096, output.Stdout.Length);
        Assert.Contains("cut at 4096", output.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Endless_output_is_bounded_and_ends_at_the_timeout()
    {
        using var host = new FakeHost();
        host.Executable("nvidia-smi", "while :; do echo xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx; done");
        var output = new ProcessRunner(new LiveSourceOptions { SearchPath = host.Bin, MaxCommandOutputBytes = 1024, CommandTimeout = TimeSpan.FromSeconds(1) }).Run(NvidiaSmi);

        Assert.Equal(CommandStatus.Timeout, output.Status);
        Assert.True(output.Stdout.Length <= 1024);
    }

    [Fact]
    public void Executable_that_cannot_be_started_is_reported_as_failed_not_thrown()
    {
        using var host = new FakeHost();
        var path = Path.Combine(host.Bin, "nvidia-smi");
        File.WriteAllBytes(path, [0x7f, 0x45, 0x4c, 0x46, 0, 0, 0, 0]);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserExecute);

        var output = new ProcessRunner(new LiveSourceOptions { SearchPath = host.Bin }).Run(NvidiaSmi);

        Assert.Equal(CommandStatus.Failed, output.Status);
        Assert.StartsWith("unreadable: could not start: ", output.FailureReason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_is_not_executable_is_not_a_command()
    {
        using var host = new FakeHost();
        File.WriteAllText(Path.Combine(host.Bin, "nvidia-smi"), "#!/bin/sh\necho hi\n");
        Assert.Null(ProcessRunner.Resolve("nvidia-smi", host.Bin));
    }

    private static bool WaitUntilGone(int pid)
    {
        for (var i = 0; i < 50; i++)
        {
            if (!Directory.Exists($"/proc/{pid}") || File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal))
            {
                return true;
            }

            Thread.Sleep(100);
        }

        return false;
    }
}
