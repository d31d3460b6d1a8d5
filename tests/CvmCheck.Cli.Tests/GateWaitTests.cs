using System.Diagnostics;
using CvmCheck.Cli.Commands;
using CvmCheck.Core.Facts;
using CvmCheck.Core.Reports;
using CvmCheck.Core.Rules;

namespace CvmCheck.Cli.Tests;

/// <summary><c>check --wait DUR [--interval DUR]</c>: re-check until pass/warn or time is up.</summary>
public sealed class GateWaitTests : IDisposable
{
    private readonly GateFixture fx = new();

    public void Dispose() => fx.Dispose();

    [Fact]
    public void Never_passing_host_returns_1_once_the_wait_is_over()
    {
        var clock = Stopwatch.StartNew();
        var (exit, stdout, stderr) = GateFixture.Run("check", "--root", fx.Snapshot, "--policy", fx.FailingPolicy, "--wait", "2s", "--interval", "500ms");
        clock.Stop();

        Assert.Equal(1, exit);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5));
        Assert.Equal(1, CountOccurrences(stdout, "verdict: fail"));
        Assert.Empty(stderr);
    }

    [Fact]
    public void Passing_host_returns_0_at_once()
    {
        var clock = Stopwatch.StartNew();
        var (exit, _, _) = GateFixture.Run("check", "--root", fx.Snapshot, "--policy", fx.PassingPolicy, "--wait", "30s", "--interval", "10s");
        clock.Stop();

        Assert.Equal(0, exit);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    [Fact]
    public void Host_that_becomes_ready_is_rechecked_until_it_passes()
    {
        var verdicts = new Queue<Verdict>([Verdict.Fail, Verdict.Error, Verdict.Warn, Verdict.Fail]);
        var sleeps = new List<TimeSpan>();
        var plan = new WaitPlan(TimeSpan.FromMinutes(2), TimeSpan.FromSeconds(5));

        var report = plan.Run(() => Report(verdicts.Dequeue()), TextWriter.Null, showProgress: false, sleeps.Add);

        Assert.Equal(Verdict.Warn, report.Verdict);
        Assert.Equal([TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5)], sleeps);
    }

    [Fact]
    public void Progress_is_written_only_when_asked_for_a_terminal()
    {
        var verdicts = new Queue<Verdict>([Verdict.Fail, Verdict.Pass]);
        var progress = new StringWriter();
        new WaitPlan(TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(1)).Run(() => Report(verdicts.Dequeue()), progress, showProgress: true, _ => { });
        Assert.Contains("retrying in 1.0s", progress.ToString());
        Assert.Contains("pass after 2 checks", progress.ToString());
    }

    [Theory]
    [InlineData("--interval", "1s")]
    [InlineData("--wait", "soon")]
    public void Bad_wait_options_are_bad_usage(string option, string value)
    {
        var (exit, _, stderr) = GateFixture.Run("check", "--root", fx.Snapshot, "--policy", fx.PassingPolicy, option, value);
        Assert.Equal(2, exit);
        Assert.Contains(option, stderr);
    }

    private static CheckReport Report(Verdict verdict) => new() { Verdict = verdict, Findings = [], Facts = new FactSet() };

    private static int CountOccurrences(string text, string what) =>
        (text.Length - text.Replace(what, string.Empty, StringComparison.Ordinal).Length) / what.Length;
}
