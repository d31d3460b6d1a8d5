using CvmCheck.Core.Sources;

namespace CvmCheck.Core.Snapshots;

/// <summary>A snapshot could not be written where asked (the message says why, for the user).</summary>
public sealed class SnapshotWriteException(string message) : Exception(message);

/// <summary>
/// Writes recorded artifacts as a DESIGN.md §1a snapshot: regular files only (a link becomes a file
/// holding its target, an unreadable file <c>&lt;path&gt;.error</c> holding the reason, a command its
/// <c>.out</c>/<c>.err</c>/<c>.exit</c>, an existing device node an empty file), every directory that
/// existed (even if only listed), and for each listed entry that was not read, an empty directory so
/// the listing replays the same names. Paths that would leave the snapshot are refused.
/// </summary>
public static class SnapshotWriter
{
    /// <summary>Writes into <paramref name="target"/> as a whole: into a temporary directory beside it,
    /// renamed at the end, so an interrupted run leaves nothing half-written. A target that exists and
    /// is not empty is refused unless <paramref name="force"/> (then it is replaced).</summary>
    public static void WriteAtomically(IReadOnlyList<RecordedArtifact> artifacts, string target, bool force)
    {
        var full = Path.GetFullPath(target).TrimEnd('/');
        if (File.Exists(full))
        {
            throw new SnapshotWriteException($"{target}: is a file; expected a directory for the snapshot");
        }

        var existing = Directory.Exists(full);
        if (existing && Directory.EnumerateFileSystemEntries(full).Any() && !force)
        {
            throw new SnapshotWriteException($"{target}: directory is not empty (use --force to replace it)");
        }

        var parent = Path.GetDirectoryName(full);
        if (parent is null || !Directory.Exists(parent))
        {
            throw new SnapshotWriteException($"{target}: parent directory {parent} does not exist");
        }

        var name = Path.GetFileName(full);
        var temp = Path.Combine(parent, $".{name}.partial-{Environment.ProcessId}");
        var old = Path.Combine(parent, $".{name}.old-{Environment.ProcessId}");
        try
        {
            DeleteIfPresent(temp);
            Directory.CreateDirectory(temp);
            Write(artifacts, temp);
            if (existing)
            {
                Directory.Move(full, old);
            }

            Directory.Move(temp, full);
            DeleteIfPresent(old);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            DeleteIfPresent(temp);
            if (existing && !Directory.Exists(full) && Directory.Exists(old))
            {
                Directory.Move(old, full);
            }

            throw new SnapshotWriteException($"{target}: {e.Message}");
        }
    }

    /// <summary>Writes into an existing directory (a bundle's <c>artifacts/</c> staging area, or the
    /// temporary directory of <see cref="WriteAtomically"/>).</summary>
    public static void Write(IReadOnlyList<RecordedArtifact> artifacts, string directory)
    {
        var root = Path.GetFullPath(directory);
        var files = artifacts.SelectMany(a => a.Files).Where(f => IsSafe(f.Path)).ToArray();
        var filePaths = files.Select(f => f.Path).ToHashSet(StringComparer.Ordinal);
        var recordedPaths = artifacts.Select(a => a.Path).Concat(filePaths).ToArray();

        foreach (var dir in artifacts.Where(a => a.Kind == RecordedArtifactKind.Directory && IsSafe(a.Path)))
        {
            if (!filePaths.Contains(dir.Path))
            {
                Directory.CreateDirectory(Path.Combine(root, dir.Path));
            }

            foreach (var entry in dir.Entries)
            {
                var child = dir.Path + "/" + entry;
                if (IsSafe(child) && !recordedPaths.Any(p => p == child || p == child + ".error" || p.StartsWith(child + "/", StringComparison.Ordinal)))
                {
                    Directory.CreateDirectory(Path.Combine(root, child));
                }
            }
        }

        foreach (var file in files)
        {
            var path = Path.Combine(root, file.Path);
            if (Directory.Exists(path))
            {
                continue; // a directory was seen here too; the directory wins (it holds other artifacts).
            }

            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, file.Bytes);
        }
    }

    private static bool IsSafe(string path) =>
        path.Length > 0 && !path.StartsWith('/') && !path.Contains('\\', StringComparison.Ordinal)
        && path.Split('/').All(p => p.Length > 0 && p is not "." and not "..");

    private static void DeleteIfPresent(string dir)
    {
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
