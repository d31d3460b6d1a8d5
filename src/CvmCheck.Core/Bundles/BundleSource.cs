using System.Globalization;
using System.Text;
using CvmCheck.Core.Sources;

namespace CvmCheck.Core.Bundles;

/// <summary>
/// The <c>artifacts/</c> snapshot of a verified bundle as an <see cref="ISystemSource"/> (DESIGN.md §1):
/// the same answers <see cref="SnapshotSource"/> gives for the same tree on disk — <c>&lt;path&gt;.error</c>
/// is an unreadable file, a command replays from its <c>.out</c>/<c>.err</c>/<c>.exit</c> — from bytes held
/// in memory. Construct it only from a bundle that verified.
/// </summary>
public sealed class BundleSource : ISystemSource, IArtifactShape
{
    private const string ErrorSuffix = ".error";
    private readonly IReadOnlyDictionary<string, byte[]> files;
    private readonly HashSet<string> directories = new(StringComparer.Ordinal) { string.Empty };
    private readonly Dictionary<string, SortedSet<string>> children = new(StringComparer.Ordinal);

    public BundleSource(string description, IReadOnlyDictionary<string, byte[]> files, IEnumerable<string> directories)
    {
        Description = description;
        this.files = files;
        foreach (var directory in directories)
        {
            AddDirectory(directory);
        }

        foreach (var file in files.Keys)
        {
            AddChild(file);
        }
    }

    /// <summary>The replay source for a verification that kept its artifacts.</summary>
    public static BundleSource From(string bundlePath, BundleVerification verification)
    {
        if (!verification.Valid)
        {
            throw new InvalidOperationException("a bundle that failed verification cannot be replayed");
        }

        return new BundleSource("bundle " + bundlePath, verification.Archive.Artifacts, verification.Archive.ArtifactDirectories);
    }

    public string Description { get; }

    public ArtifactRead ReadFile(string path)
    {
        var key = Normalise(path);
        if (key is null)
        {
            return ArtifactRead.Failed(path, "path traversal refused");
        }

        if (files.TryGetValue(key, out var bytes))
        {
            return ArtifactRead.Found(path, bytes.Length > ArtifactRead.MaxBytes ? bytes[..ArtifactRead.MaxBytes] : bytes);
        }

        if (files.TryGetValue(key + ErrorSuffix, out var error))
        {
            var reason = Encoding.UTF8.GetString(error).Trim();
            return ArtifactRead.Failed(path, reason.Length == 0 ? "recorded as unreadable" : reason);
        }

        return directories.Contains(key) ? ArtifactRead.Failed(path, "is a directory") : ArtifactRead.Missing(path);
    }

    public Stream? OpenRead(string path, out ArtifactRead status)
    {
        status = ReadFile(path);
        return status.Ok ? new MemoryStream(status.Bytes, writable: false) : null;
    }

    public bool Exists(string path) => Normalise(path) is { } key && (files.ContainsKey(key) || directories.Contains(key));

    public bool IsDirectory(string path) => Normalise(path) is { } key && directories.Contains(key);

    public IReadOnlyList<string> ListDirectory(string path) =>
        Normalise(path) is { } key && children.TryGetValue(key, out var names)
            ? names.Where(n => !n.EndsWith(ErrorSuffix, StringComparison.Ordinal)).ToArray()
            : [];

    public CommandOutput RunCommand(IReadOnlyList<string> argv) => CommandRecord.Replay(this, argv);

    private static string? Normalise(string path)
    {
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return parts.Any(p => p is "." or "..") ? null : string.Join('/', parts);
    }

    private void AddDirectory(string directory)
    {
        if (directories.Add(directory))
        {
            AddChild(directory);
        }
    }

    /// <summary>Registers a path under its parent, creating the parents (a tar may omit them).</summary>
    private void AddChild(string path)
    {
        var slash = path.LastIndexOf('/');
        var parent = slash < 0 ? string.Empty : path[..slash];
        if (!children.TryGetValue(parent, out var names))
        {
            children[parent] = names = new SortedSet<string>(StringComparer.Ordinal);
        }

        names.Add(path[(slash + 1)..]);
        if (parent.Length > 0)
        {
            AddDirectory(parent);
        }
    }
}
