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
/// <c>diagnose [--log FILE|- | --root DIR | --from BUNDLE …] [--format text|json] [--fail-on SEVERITY]</c> (DESIGN.md §3, §5):
/// streams one kernel log through the built-in signatures and explains what it recognises.
/// Exit 0 when nothing reaches --fail-on, 1 when something does, 2 for bad input.
/// </summary>
internal static class DiagnoseCommand
{
    public static Command Create(CliContext context)
    {
        var log = new Option<string?>("--log") { Description = "Kernel log file to read (dmesg, journalctl, /dev/kmsg records); '-' reads standard input" };
        var source = new SourceOptions();
        var format = new Option<string>("--format") { Description = "Output format: text or json", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var failOn = new Option<string>("--fail-on") { Description = "Lowest severity that makes the exit code 1: critical, high, medium, low (info never fails)", DefaultValueFactory = _ => "medium" };
        failOn.AcceptOnlyFromAmong(SeverityNames.All);

        var command = new Command("diagnose", "Explain GPU/TDX failures from a kernel log, a snapshot, a bundle or this host") { log, format, failOn };
        source.AddTo(command);
        command.SetAction(parse =>
        {
            SeverityNames.TryParse(parse.GetValue(failOn), out var threshold);
            var logPath = parse.GetValue(log);
            if (logPath is not null && (parse.GetValue(source.Root) is not null || parse.GetValue(source.From) is not null))
            {
                throw new UserInputException("diagnose: give one of --log FILE (or '-' for standard input), --root DIR or --from BUNDLE");
            }

            return logPath is not null
                ? RunLog(context, logPath, parse.GetValue(format) ?? "text", threshold, Console.OpenStandardInput)
                : RunSource(context, source.Open(parse, context), parse.GetValue(format) ?? "text", threshold);
        });
        return command;
    }

    /// <summary>A bare log file: no facts, so every signature guard counts as satisfied (DESIGN.md §5).</summary>
    internal static int RunLog(CliContext context, string logPath, string format, Severity failOn, Func<Stream> stdin)
    {
        var artifact = logPath == "-" ? "<stdin>" : logPath;
        using var stream = OpenLog(logPath, stdin);
        var diagnoses = SignatureMatcher.Match(BuiltInSignatures.Load(), stream, artifact, new FactSet());
        return Emit(context, DiagnoseReport.Of(diagnoses, [artifact], failOn), format);
    }

    /// <summary>A snapshot, a verified bundle or this host: its kernel log, with guards over its facts.</summary>
    internal static int RunSource(CliContext context, ISystemSource source, string format, Severity failOn)
    {
        var facts = ProbeRunner.Collect(source);
        var (diagnoses, artifact) = DiagnoseSource(source, facts, context.Error);
        return Emit(context, DiagnoseReport.Of(diagnoses, artifact is null ? [] : [artifact], failOn), format);
    }

    /// <summary>Applies the built-in signatures to a source's kernel log (shared with <c>check</c>).
    /// A source without a kernel log has nothing to diagnose: a note, not bad input.</summary>
    internal static (IReadOnlyList<Diagnosis> Diagnoses, string? Artifact) DiagnoseSource(ISystemSource source, FactSet facts, TextWriter notes)
    {
        var artifact = KernelLogLocator.Find(source);
        if (artifact is null)
        {
            notes.WriteLine($"cvmcheck: note: no kernel log to diagnose (looked for {string.Join(", ", KernelLogLocator.Candidates)})");
            return ([], null);
        }

        using var stream = source.OpenRead(artifact, out var status);
        if (stream is null)
        {
            notes.WriteLine($"cvmcheck: note: cannot read {artifact}: {status.Reason}");
            return ([], null);
        }

        return (SignatureMatcher.Match(BuiltInSignatures.Load(), stream, artifact, facts), artifact);
    }

    private static int Emit(CliContext context, DiagnoseReport report, string format)
    {
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
