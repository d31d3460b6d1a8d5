using System.CommandLine;
using CvmCheck.Core.Probes;
using CvmCheck.Core.Snapshots;
using CvmCheck.Core.Sources;

namespace CvmCheck.Cli.Commands;

/// <summary>
/// <c>cvmcheck collect [--root DIR] --snapshot DIR [--force]</c>: runs every probe (whatever
/// <c>--policy</c> says, so any policy can be replayed later) through a <see cref="RecordingSource"/>
/// and writes what was read as a DESIGN.md §1a snapshot. <c>check --root</c> on it gives the findings
/// the live run gives. Exit 0 once written, 2 for bad input (a non-empty target without --force).
/// </summary>
internal static class CollectCommand
{
    public static Command Create(CliContext context)
    {
        var source = new SourceOptions();
        var snapshot = new Option<string?>("--snapshot") { Description = "Write a snapshot directory (DESIGN.md §1a layout)", HelpName = "DIR" };
        var force = new Option<bool>("--force") { Description = "Replace a non-empty --snapshot directory" };
        var policy = new Option<string[]>("--policy") { Description = "Accepted for symmetry with check; collect always runs every probe", HelpName = "FILE|NAME" };

        var command = new Command("collect", "Record everything cvmcheck reads into a snapshot directory or a signed evidence bundle");
        source.AddTo(command);
        command.Add(snapshot);
        command.Add(force);
        command.Add(policy);
        command.SetAction(parse =>
        {
            var target = parse.GetValue(snapshot) ?? throw new UserInputException("collect: give --snapshot DIR");
            if (parse.GetValue(policy) is { Length: > 0 } policies)
            {
                CheckCommand.LoadPolicies(policies); // a bad policy is still bad input
            }

            var recording = new RecordingSource(source.Open(parse, context));
            ProbeRunner.Collect(recording);
            var artifacts = recording.Artifacts;
            try
            {
                SnapshotWriter.WriteAtomically(artifacts, target, parse.GetValue(force));
            }
            catch (SnapshotWriteException e)
            {
                throw new UserInputException("--snapshot " + e.Message);
            }

            var commands = artifacts.Count(a => a.Kind == RecordedArtifactKind.Command);
            var files = artifacts.Sum(a => a.Files.Count);
            context.Error.WriteLine($"cvmcheck: wrote snapshot {target} ({files} files, {commands} commands) from {recording.Description}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
