using System.Globalization;
using System.Text;

namespace CvmCheck.Core.Sources;

/// <summary>
/// Reads a snapshot directory in the layout of DESIGN.md §1a (<c>--root DIR</c>; every fixture is one).
/// A snapshot never contains symbolic links: any link met on the way to an artifact is refused (reported
/// unreadable), so a crafted snapshot cannot make cvmcheck read a file outside it. <c>&lt;path&gt;.error</c>
/// marks a file that existed on the host but could not be read.
/// </summary>
public sealed class SnapshotSource : ISystemSource
{
    private const string ErrorSuffix = ".error";
    private readonly string root;

    public SnapshotSource(string root)
    {
        this.root = Path.GetFullPath(root);
    }

    public string Description => "snapshot " + root;

    public string Root => root;

    public ArtifactRead ReadFile(string path)
    {
        using var stream = OpenRead(path, out var status);
        if (stream is null)
        {
            return status;
        }

        try
        {
            var length = (int)Math.Min(stream.Length, ArtifactRead.MaxBytes);
            var bytes = new byte[length];
            stream.ReadExactly(bytes);
            return ArtifactRead.Found(path, bytes);
        }
        catch (IOException e)
        {
            return ArtifactRead.Failed(path, e.Message);
        }
    }

    public Stream? OpenRead(string path, out ArtifactRead status)
    {
        var resolved = Resolve(path, out var refusal);
        if (resolved is null)
        {
            status = ArtifactRead.Failed(path, refusal!);
            return null;
        }

        if (File.Exists(resolved))
        {
            try
            {
                status = ArtifactRead.Found(path, []);
                return new FileStream(resolved, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                status = ArtifactRead.Failed(path, e.Message);
                return null;
            }
        }

        var error = Resolve(path + ErrorSuffix, out _);
        if (error is not null && File.Exists(error))
        {
            var reason = SafeReadText(error)?.Trim();
            status = ArtifactRead.Failed(path, string.IsNullOrEmpty(reason) ? "recorded as unreadable" : reason);
            return null;
        }

        status = Directory.Exists(resolved)
            ? ArtifactRead.Failed(path, "is a directory")
            : ArtifactRead.Missing(path);
        return null;
    }

    public bool Exists(string path)
    {
        var resolved = Resolve(path, out _);
        return resolved is not null && (File.Exists(resolved) || Directory.Exists(resolved));
    }

    public IReadOnlyList<string> ListDirectory(string path)
    {
        var resolved = Resolve(path, out _);
        if (resolved is null || !Directory.Exists(resolved))
        {
            return [];
        }

        try
        {
            return Directory.EnumerateFileSystemEntries(resolved)
                .Select(Path.GetFileName)
                .OfType<string>()
                .Where(n => !n.EndsWith(ErrorSuffix, StringComparison.Ordinal))
                .Order(StringComparer.Ordinal)
                .ToArray();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    public CommandOutput RunCommand(IReadOnlyList<string> argv) => CommandRecord.Replay(this, argv);

    /// <summary>Maps a snapshot-relative path to a full path under the root, refusing traversal and links.</summary>
    private string? Resolve(string relative, out string? refusal)
    {
        refusal = null;
        var parts = relative.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Any(p => p is ".." or "."))
        {
            refusal = "path traversal refused";
            return null;
        }

        var current = root;
        foreach (var part in parts)
        {
            current = Path.Combine(current, part);
            FileSystemInfo info = new FileInfo(current);
            if (!info.Exists)
            {
                info = new DirectoryInfo(current);
            }

            if (info.Exists && info.LinkTarget is not null)
            {
                refusal = "symbolic link in snapshot refused";
                return null;
            }
        }

        return current;
    }

    private static string? SafeReadText(string file)
    {
        try
        {
            return File.ReadAllText(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
