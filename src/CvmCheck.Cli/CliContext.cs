using System.CommandLine;

namespace CvmCheck.Cli;

/// <summary>What a verb needs from the process: its streams and the global options as given.</summary>
public sealed class CliContext(TextWriter stdout, TextWriter stderr, GlobalOptions globals)
{
    public TextWriter Out { get; } = stdout;

    public TextWriter Error { get; } = stderr;

    public GlobalOptions Globals { get; } = globals;

    /// <summary>True when stdout is an interactive terminal (colour, spinners); false in tests and pipes.</summary>
    public bool IsTerminal { get; init; }

    public bool IsVerbose(ParseResult parse) => parse.GetValue(Globals.Verbose);

    public TimeSpan CommandTimeout(ParseResult parse) =>
        Duration.Parse(parse.GetValue(Globals.CommandTimeout) ?? "15s", "--command-timeout");
}
