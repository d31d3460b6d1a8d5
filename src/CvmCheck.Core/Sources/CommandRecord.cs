using System.Globalization;
using System.Text;

namespace CvmCheck.Core.Sources;

/// <summary>
/// Replays a command from its record in a snapshot layout (DESIGN.md §1a): <c>.out</c>, <c>.err</c> and
/// <c>.exit</c> (an exit code, <c>timeout</c>, <c>not-found</c>, or <c>failed: &lt;reason&gt;</c> for a program
/// that could not be started). Shared by every source that serves recorded artifacts (snapshot
/// directories, evidence bundles), so they replay commands identically.
/// </summary>
public static class CommandRecord
{
    public static CommandOutput Replay(ISystemSource source, IReadOnlyList<string> argv)
    {
        var stdout = source.ReadFile(CommandPaths.Stdout(argv));
        var stderr = source.ReadFile(CommandPaths.Stderr(argv));
        var exit = source.ReadFile(CommandPaths.Exit(argv));
        if (!stdout.Ok && !exit.Ok)
        {
            return stdout.Status == ArtifactStatus.Unreadable
                ? new CommandOutput(argv, CommandStatus.Failed, null, [], [], stdout.Reason)
                : new CommandOutput(argv, CommandStatus.NotRecorded, null, [], []);
        }

        var exitText = exit.Ok ? Encoding.UTF8.GetString(exit.Bytes).Trim() : "0";
        var (status, code) = exitText switch
        {
            "timeout" => (CommandStatus.Timeout, (int?)null),
            "not-found" => (CommandStatus.NotFound, (int?)null),
            _ when int.TryParse(exitText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var c) => (CommandStatus.Ran, (int?)c),
            _ => (CommandStatus.Failed, (int?)null),
        };

        // "failed: <detail>" records a command that could not be started live; replay it with the same detail.
        const string FailedPrefix = "failed: ";
        var detail = status != CommandStatus.Failed ? null
            : exitText.StartsWith(FailedPrefix, StringComparison.Ordinal) ? exitText[FailedPrefix.Length..]
            : $"{CommandPaths.Exit(argv)} holds '{exitText}', expected an exit code, timeout, not-found or failed: <reason>";
        return new CommandOutput(argv, status, code, stdout.Bytes, stderr.Ok ? stderr.Bytes : [], detail);
    }
}
