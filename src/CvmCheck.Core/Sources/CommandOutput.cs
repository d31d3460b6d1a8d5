using System.Text;

namespace CvmCheck.Core.Sources;

public enum CommandStatus
{
    /// <summary>The command ran to completion (any exit code).</summary>
    Ran,

    /// <summary>The binary does not exist on this host.</summary>
    NotFound,

    /// <summary>Killed after the per-command timeout.</summary>
    Timeout,

    /// <summary>A snapshot holds no record of this command (it was not run when the snapshot was taken).</summary>
    NotRecorded,

    /// <summary>It could not be started or its record could not be read.</summary>
    Failed,
}

/// <summary>One command's outcome. <see cref="ArtifactPath"/> is where its stdout lives in a snapshot
/// (<c>commands/nvidia-smi_-q_-x.out</c>), so facts can cite it.</summary>
public sealed record CommandOutput(IReadOnlyList<string> Argv, CommandStatus Status, int? ExitCode, byte[] Stdout, byte[] Stderr, string? Detail = null)
{
    public string ArtifactPath => CommandPaths.Stdout(Argv);

    public string StdoutText => Encoding.UTF8.GetString(Stdout);

    public string StderrText => Encoding.UTF8.GetString(Stderr);

    /// <summary>Ran and exited 0.</summary>
    public bool Succeeded => Status == CommandStatus.Ran && ExitCode == 0;

    /// <summary>The fact reason for a command that gave no usable output (DESIGN.md §1a vocabulary).</summary>
    public string FailureReason => Status switch
    {
        CommandStatus.NotFound => Facts.FactReasons.NotFound,
        CommandStatus.Timeout => Facts.FactReasons.Timeout,
        CommandStatus.NotRecorded => Facts.FactReasons.Absent,
        CommandStatus.Failed => Facts.FactReasons.Unreadable(Detail ?? "could not run"),
        _ => ExitCode is int code && code != 0 ? Facts.FactReasons.Exit(code) : Facts.FactReasons.Absent,
    };
}
