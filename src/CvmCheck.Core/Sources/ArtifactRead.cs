using System.Text;

namespace CvmCheck.Core.Sources;

public enum ArtifactStatus
{
    Ok,
    Absent,
    Unreadable,
}

/// <summary>The outcome of reading one artifact: its bytes, or why there are none.</summary>
public sealed record ArtifactRead(string Path, ArtifactStatus Status, byte[] Bytes, string? Reason)
{
    /// <summary>Files larger than this are read only up to it (kernel logs are streamed instead).</summary>
    public const int MaxBytes = 64 * 1024 * 1024;

    public bool Ok => Status == ArtifactStatus.Ok;

    /// <summary>True when a live source read a symbolic link: <see cref="Bytes"/> hold its target
    /// (DESIGN.md §1a: a snapshot stores a link as a regular file holding the target).</summary>
    public bool IsLink { get; init; }

    /// <summary>UTF-8 text (invalid sequences replaced), or null when not read.</summary>
    public string? Text => Ok ? Encoding.UTF8.GetString(Bytes) : null;

    public static ArtifactRead Found(string path, byte[] bytes) => new(path, ArtifactStatus.Ok, bytes, null);

    public static ArtifactRead Missing(string path) => new(path, ArtifactStatus.Absent, [], Facts.FactReasons.Absent);

    public static ArtifactRead Failed(string path, string reason) => new(path, ArtifactStatus.Unreadable, [], Facts.FactReasons.Unreadable(reason));
}
