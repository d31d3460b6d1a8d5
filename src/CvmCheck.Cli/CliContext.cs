using System.CommandLine;
using CvmCheck.Cli.Logging;
using CvmCheck.Cli.Progress;

namespace CvmCheck.Cli;

/// <summary>What a verb needs from the process: its streams and the global options as given.</summary>
public sealed class CliContext(TextWriter stdout, TextWriter stderr, GlobalOptions globals) : IDisposable
{
    private CliLogging? logging;
    private CommandProgress? progress;

    public TextWriter Out { get; } = stdout;

    public TextWriter Error { get; } = stderr;

    public GlobalOptions Globals { get; } = globals;

    /// <summary>True when stdout is an interactive terminal (colour, spinners); false in tests and pipes.</summary>
    public bool IsTerminal { get; init; }

    public bool IsVerbose(ParseResult parse) => parse.GetValue(Globals.Verbose);

    public TimeSpan CommandTimeout(ParseResult parse) =>
        Duration.Parse(parse.GetValue(Globals.CommandTimeout) ?? "15s", "--command-timeout");

    /// <summary>Logging to stderr as the global options ask, created on first use.</summary>
    public CliLogging Logging(ParseResult parse) =>
        logging ??= new CliLogging(IsVerbose(parse), parse.GetValue(Globals.LogFormat) == "json");

    /// <summary>The progress line for slow commands, or null when stderr is not a terminal.</summary>
    public CommandProgress? Progress => progress ??= CommandProgress.StderrIsTerminal(Error) ? new CommandProgress(Error) : null;

    public void Dispose()
    {
        progress?.Dispose();
        logging?.Dispose();
    }
}
