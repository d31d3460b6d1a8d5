using CvmCheck.Cli.Progress;
using CvmCheck.Core.Sources;

namespace CvmCheck.Cli.Tests;

public sealed class LiveProgressTests
{
    private static readonly string[] NvidiaSmi = ["nvidia-smi", "-q", "-x"];

    [Fact]
    public void A_slow_command_shows_a_spinner_line_naming_it_that_is_erased_when_it_ends()
    {
        var written = new StringWriter();
        var stderr = TextWriter.Synchronized(written);
        using (var progress = new CommandProgress(stderr))
        {
            progress.Started(NvidiaSmi);

            // The spinner appears after 250 ms; on a loaded machine the timer may fire late, so wait
            // (bounded) for the first frame instead of sleeping a fixed time.
            var deadline = DateTime.UtcNow.AddSeconds(10);
            do
            {
                Thread.Sleep(100);
            }
            while (!Snapshot(written, stderr).Contains("nvidia-smi", StringComparison.Ordinal) && DateTime.UtcNow < deadline);

            progress.Finished(NvidiaSmi, new CommandOutput(NvidiaSmi, CommandStatus.Ran, 0, [], []), TimeSpan.FromMilliseconds(600));
        }

        var text = written.ToString();
        Assert.Contains(" nvidia-smi -q -x (", text, StringComparison.Ordinal);
        Assert.StartsWith("\r", text, StringComparison.Ordinal);
        Assert.EndsWith("\r\u001b[K", text, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', text);
    }

    // TextWriter.Synchronized locks on the wrapper for every write, so reading under the same lock is safe.
    private static string Snapshot(StringWriter written, TextWriter synchronizedWrapper)
    {
        lock (synchronizedWrapper)
        {
            return written.ToString();
        }
    }

    [Fact]
    public void A_fast_command_draws_nothing()
    {
        var stderr = new StringWriter();
        using (var progress = new CommandProgress(stderr))
        {
            progress.Started(NvidiaSmi);
            progress.Finished(NvidiaSmi, new CommandOutput(NvidiaSmi, CommandStatus.Ran, 0, [], []), TimeSpan.FromMilliseconds(5));
        }

        Assert.Equal(string.Empty, stderr.ToString());
    }

    [Fact]
    public void No_progress_line_when_stderr_is_not_the_terminal()
    {
        Assert.False(CommandProgress.StderrIsTerminal(new StringWriter()));
    }
}
