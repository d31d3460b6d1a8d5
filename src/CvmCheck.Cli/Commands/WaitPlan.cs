using CvmCheck.Core.Reports;
using CvmCheck.Core.Rules;

namespace CvmCheck.Cli.Commands;

/// <summary>
/// <c>check --wait DUR [--interval DUR]</c>: a GPU may need a while after boot before it reports CC
/// ready (attestation agent, persistence daemon), so a gate in systemd or an init container re-collects
/// and re-judges until the verdict is pass or warn, or the time is up. The last run's report and exit
/// code stand. Progress goes to stderr, and only when stderr is a terminal.
/// </summary>
internal sealed class WaitPlan(TimeSpan? wait, TimeSpan interval)
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(5);

    public TimeSpan? Wait { get; } = wait;

    public TimeSpan Interval { get; } = interval;

    public static WaitPlan Parse(string? wait, string? interval)
    {
        if (wait is null && interval is not null)
        {
            throw new UserInputException("--interval only applies with --wait DUR");
        }

        var every = interval is null ? DefaultInterval : Duration.Parse(interval, "--interval");
        if (interval is not null && every <= TimeSpan.Zero)
        {
            throw new UserInputException($"--interval {interval}: must be more than zero");
        }

        return new WaitPlan(wait is null ? null : Duration.Parse(wait, "--wait"), every);
    }

    public static bool IsErrorTerminal(CliContext context) =>
        ReferenceEquals(context.Error, Console.Error) && !Console.IsErrorRedirected;

    public static bool IsSettled(Verdict verdict) => verdict is Verdict.Pass or Verdict.Warn;

    public CheckReport Run(Func<CheckReport> check, TextWriter progress, bool showProgress, Action<TimeSpan>? sleep = null)
    {
        sleep ??= Thread.Sleep;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var attempt = 1;
        var report = check();
        if (Wait is not { } limit)
        {
            return report;
        }

        while (!IsSettled(report.Verdict))
        {
            var left = limit - clock.Elapsed;
            if (left <= TimeSpan.Zero)
            {
                if (showProgress)
                {
                    progress.WriteLine($"cvmcheck: still {report.Verdict.ToName()} after {attempt} checks in {Format(clock.Elapsed)}; giving up");
                }

                break;
            }

            var pause = left < Interval ? left : Interval;
            if (showProgress)
            {
                var failing = report.Findings.Where(f => f.Status is FindingStatus.Fail or FindingStatus.Error).Select(f => f.Id).Distinct().Take(3);
                progress.WriteLine($"cvmcheck: check {attempt}: {report.Verdict.ToName()} ({string.Join(", ", failing)}); retrying in {Format(pause)}, {Format(left)} left");
            }

            sleep(pause);
            attempt++;
            report = check();
        }

        if (showProgress && IsSettled(report.Verdict) && attempt > 1)
        {
            progress.WriteLine($"cvmcheck: {report.Verdict.ToName()} after {attempt} checks in {Format(clock.Elapsed)}");
        }

        return report;
    }

    private static string Format(TimeSpan t) => t.TotalSeconds >= 10 ? $"{t.TotalSeconds:0}s" : $"{t.TotalSeconds:0.0}s";
}
