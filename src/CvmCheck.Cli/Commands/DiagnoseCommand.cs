using System.CommandLine;
using CvmCheck.Core.Diagnosis;
using CvmCheck.Core.Facts;
using CvmCheck.Core.KernelLog;
using CvmCheck.Core.Probes;
using CvmCheck.Core.Rules;
using CvmCheck.Core.Sources;
using CvmCheck.Policy.Signatures;
using CvmCheck.Reporting.Diagnose;

namespace CvmCheck.Cli.Commands;

/// <summary>
/// <c>diagnose [--log FILE|- | --root DIR] [--format text|json] [--fail-on SEVERITY]</c> (DESIGN.md §3, §5):
/// streams one kernel log through the built-in signatures and explains what it recognises.
/// Exit 0 when nothing reaches --fail-on, 1 when something does, 2 for bad input.
/// </summary>
internal static class DiagnoseCommand
{
    public static Command Create(CliContext context)
    {
        var log = new Option<string?>("--log") { Description = "Kernel log file to read (dmesg, journalctl, /dev/kmsg records); '-' reads standard input" };
        var root = new Option<string?>("--root") { Description = "Snapshot directory (DESIGN.md §1a); its kernel log and facts are used" };
        var format = new Option<string>("--format") { Description = "Output format: text or json", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var failOn = new Option<string>("--fail-on") { Description = "Lowest severity that makes the exit code 1: critical, high, medium, low (info never fails)", DefaultValueFactory = _ => "medium" };
        failOn.AcceptOnlyFromAmong(SeverityNames.All);

        var command = new Command("diagnose", "Explain GPU/TDX failures from a kernel log or snapshot") { log, root, format, failOn };
        command.SetAction(parse =>
        {
            SeverityNames.TryParse(parse.GetValue(failOn), out var threshold);
            return Run(context, parse.GetValue(log), parse.GetValue(root), parse.GetValue(format) ?? "text", threshold, Console.OpenStandardInput);
        });
        return command;
    }

    internal static int Run(CliContext context, string? logPath, string? rootPath, string format, Severity failOn, Func<Stream> stdin)
    {
        if ((logPath is null) == (rootPath is null))
        {
            throw new UserInputException("diagnose: give exactly one of --log FILE (or '-' for standard input) and --root DIR");
        }

        var signatures = BuiltInSignatures.Load();
        IReadOnlyList<Diagnosis> diagnoses;
        string artifact;
        if (logPath is not null)
        {
            artifact = logPath == "-" ? "<stdin>" : logPath;
            using var stream = OpenLog(logPath, stdin);
            diagnoses = SignatureMatcher.Match(signatures, stream, artifact, new FactSet());
        }
        else
        {
            if (!Directory.Exists(rootPath))
            {
                throw new UserInputException($"diagnose: snapshot directory '{rootPath}' does not exist");
            }

            var source = new SnapshotSource(rootPath!);
            var found = KernelLogLocator.Find(source);
            if (found is null)
            {
                // A missing file means "absent on that host" (DESIGN.md §1a): nothing to diagnose, not bad input.
                context.Error.WriteLine($"cvmcheck: note: snapshot has no kernel log (looked for {string.Join(", ", KernelLogLocator.Candidates)})");
                diagnoses = [];
                artifact = string.Empty;
            }
            else
            {
                artifact = found;
                using var stream = source.OpenRead(artifact, out var status)
                    ?? throw new UserInputException($"diagnose: cannot read {artifact} in '{rootPath}': {status.Reason}");
                diagnoses = SignatureMatcher.Match(signatures, stream, artifact, ProbeRunner.Collect(source));
            }
        }

        var report = DiagnoseReport.Of(diagnoses, artifact.Length == 0 ? [] : [artifact], failOn);
        if (format == "json")
        {
            using var buffer = new MemoryStream();
            DiagnoseJsonWriter.Write(buffer, report);
            context.Out.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
        }
        else
        {
            DiagnoseTextWriter.Write(context.Out, report);
        }

        return report.Verdict == Verdict.Fail ? ExitCodes.Failed : ExitCodes.Ok;
    }

    private static Stream OpenLog(string path, Func<Stream> stdin)
    {
        if (path == "-")
        {
            return stdin();
        }

        if (Directory.Exists(path))
        {
            throw new UserInputException($"diagnose: '{path}' is a directory; use --root for a snapshot");
        }

        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"diagnose: cannot read log '{path}': {e.Message}");
        }
    }
}
