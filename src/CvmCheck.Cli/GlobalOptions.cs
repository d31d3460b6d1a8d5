using System.CommandLine;

namespace CvmCheck.Cli;

/// <summary>Options accepted by every verb (DESIGN.md §3 "global").</summary>
public sealed class GlobalOptions
{
    public Option<bool> Verbose { get; } = new("--verbose") { Description = "Debug logs on stderr, stack traces on internal errors", Recursive = true };

    public Option<string> LogFormat { get; } = new("--log-format") { Description = "Log format on stderr: text or json", Recursive = true, DefaultValueFactory = _ => "text" };

    public Option<string> CommandTimeout { get; } = new("--command-timeout") { Description = "Timeout for each command run on a live host (e.g. 15s, 2m)", Recursive = true, DefaultValueFactory = _ => "15s" };

    public void AddTo(RootCommand root)
    {
        LogFormat.AcceptOnlyFromAmong("text", "json");
        root.Add(Verbose);
        root.Add(LogFormat);
        root.Add(CommandTimeout);
    }
}
