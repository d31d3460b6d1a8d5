using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace CvmCheck.Core.Sources;

public enum RecordedArtifactKind
{
    /// <summary>A regular file's bytes (a device node that exists: zero bytes).</summary>
    File,

    /// <summary>One run of an allow-listed command: stdout, stderr and exit.</summary>
    Command,

    /// <summary>A symbolic link; the bytes are its target text.</summary>
    Link,

    /// <summary>A file that exists but could not be read; the bytes are the reason (<c>permission denied</c>).</summary>
    Error,

    /// <summary>A directory that exists (listed or tested); <see cref="RecordedArtifact.Entries"/> are the names seen.</summary>
    Directory,
}

/// <summary>
/// One thing a source read, as <see cref="RecordingSource"/> saw it. <see cref="Path"/> is the
/// snapshot-relative path the probes asked for (for a command, its stdout path
/// <c>commands/nvidia-smi_-q_-x.out</c>). <see cref="Files"/> are the regular files the artifact
/// becomes in a §1a snapshot (and in a bundle's <c>artifacts/</c>), each with its SHA-384.
/// </summary>
public sealed record RecordedArtifact
{
    public required string Path { get; init; }

    public required RecordedArtifactKind Kind { get; init; }

    /// <summary>File content, link target, error reason or command stdout; empty for a directory.</summary>
    public required byte[] Bytes { get; init; }

    /// <summary>Lower-case hex SHA-384 of <see cref="Bytes"/>.</summary>
    public string Sha384 => RecordedFile.Hash(Bytes);

    /// <summary>A command's argv; null otherwise.</summary>
    public IReadOnlyList<string>? Argv { get; init; }

    /// <summary>A command's exit as its <c>.exit</c> file holds it: the code, <c>timeout</c> or <c>not-found</c>.</summary>
    public string? Exit { get; init; }

    /// <summary>A command's stderr.</summary>
    public byte[] Stderr { get; init; } = [];

    /// <summary>Entry names of a listed directory.</summary>
    public IReadOnlyList<string> Entries { get; init; } = [];

    /// <summary>The files this artifact is written as (none for a directory).</summary>
    public IReadOnlyList<RecordedFile> Files => Kind switch
    {
        RecordedArtifactKind.Command =>
        [
            new(CommandPaths.Stdout(Argv!), Bytes),
            new(CommandPaths.Stderr(Argv!), Stderr),
            new(CommandPaths.Exit(Argv!), Encoding.UTF8.GetBytes(Exit + "\n")),
        ],
        RecordedArtifactKind.Error => [new(Path + ".error", Bytes)],
        RecordedArtifactKind.Directory => [],
        _ => [new(Path, Bytes)],
    };

    public static string ExitText(CommandOutput output) => output.Status switch
    {
        CommandStatus.Timeout => "timeout",
        CommandStatus.NotFound => "not-found",
        CommandStatus.Ran => (output.ExitCode ?? 0).ToString(CultureInfo.InvariantCulture),
        _ => "failed: " + (output.Detail ?? "could not run"),
    };
}

/// <summary>One regular file of a snapshot: path, bytes, SHA-384 (what a bundle manifest lists).</summary>
public sealed record RecordedFile(string Path, byte[] Bytes)
{
    public long Size => Bytes.LongLength;

    public string Sha384 => Hash(Bytes);

    internal static string Hash(byte[] bytes) => Convert.ToHexStringLower(SHA384.HashData(bytes));
}
