namespace CvmCheck.Core.Sources;

/// <summary>Sources that can tell a directory from a file without reading it (so an existence test
/// can be recorded as the right thing).</summary>
public interface IArtifactShape
{
    bool IsDirectory(string path);
}

/// <summary>
/// Records everything read through it (DESIGN.md §1: evidence is exactly the input of the check).
/// A decorator over any source: files with their bytes, links as their target, unreadable files with
/// the reason, commands with argv, stdout, stderr and exit, directories that were listed or tested,
/// device nodes that exist. Absent things are not recorded: a missing file in a snapshot means
/// "absent on that host". <see cref="Artifacts"/> is what <see cref="Snapshots.SnapshotWriter"/>
/// writes and what an evidence bundle's manifest lists. Thread-safe.
/// </summary>
public sealed class RecordingSource(ISystemSource inner) : ISystemSource
{
    private readonly Dictionary<string, RecordedArtifact> recorded = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string[]> commandsByStdout =
        KnownCommands.All.ToDictionary(CommandPaths.Stdout, a => a, StringComparer.Ordinal);

    public ISystemSource Inner => inner;

    public string Description => inner.Description;

    /// <summary>Every artifact read so far, one per path, sorted by path (ordinal).</summary>
    public IReadOnlyList<RecordedArtifact> Artifacts
    {
        get
        {
            lock (recorded)
            {
                return recorded.Values.OrderBy(a => a.Path, StringComparer.Ordinal).ToArray();
            }
        }
    }

    /// <summary>The regular files of the snapshot these artifacts make, sorted by path.</summary>
    public IReadOnlyList<RecordedFile> Files => Artifacts.SelectMany(a => a.Files).OrderBy(f => f.Path, StringComparer.Ordinal).ToArray();

    public ArtifactRead ReadFile(string path)
    {
        if (commandsByStdout.TryGetValue(path, out var argv))
        {
            var output = RunCommand(argv);
            return output.Succeeded ? ArtifactRead.Found(path, output.Stdout) : ArtifactRead.Missing(path);
        }

        var read = inner.ReadFile(path);
        Record(path, read);
        return read;
    }

    public Stream? OpenRead(string path, out ArtifactRead status)
    {
        // Read whole so the record is exactly what the probe saw (kernel logs are a few MiB at most).
        status = ReadFile(path);
        return status.Ok ? new MemoryStream(status.Bytes, writable: false) : null;
    }

    public bool Exists(string path)
    {
        var exists = inner.Exists(path);
        if (!exists)
        {
            return false;
        }

        if (commandsByStdout.TryGetValue(path, out var argv))
        {
            RunCommand(argv);
            return true;
        }

        var directory = inner is IArtifactShape shape ? shape.IsDirectory(path)
            : inner is SnapshotSource snapshot ? Directory.Exists(Path.Combine(snapshot.Root, path))
            : !path.StartsWith("dev/", StringComparison.Ordinal);
        Add(directory
            ? new RecordedArtifact { Path = path, Kind = RecordedArtifactKind.Directory, Bytes = [] }
            : new RecordedArtifact { Path = path, Kind = RecordedArtifactKind.File, Bytes = [] },
            replace: false);
        return true;
    }

    public IReadOnlyList<string> ListDirectory(string path)
    {
        var entries = inner.ListDirectory(path);
        if (entries.Count > 0 || inner.Exists(path))
        {
            Add(new RecordedArtifact { Path = path, Kind = RecordedArtifactKind.Directory, Bytes = [], Entries = entries }, replace: true);
        }

        return entries;
    }

    public CommandOutput RunCommand(IReadOnlyList<string> argv)
    {
        var output = inner.RunCommand(argv);
        if (output.Status != CommandStatus.NotRecorded)
        {
            Add(new RecordedArtifact
            {
                Path = CommandPaths.Stdout(argv),
                Kind = RecordedArtifactKind.Command,
                Bytes = output.Stdout,
                Stderr = output.Stderr,
                Argv = argv.ToArray(),
                Exit = RecordedArtifact.ExitText(output),
            }, replace: true);
        }

        return output;
    }

    private void Record(string path, ArtifactRead read)
    {
        switch (read.Status)
        {
            case ArtifactStatus.Ok:
                Add(new RecordedArtifact { Path = path, Kind = read.IsLink ? RecordedArtifactKind.Link : RecordedArtifactKind.File, Bytes = read.Bytes }, replace: true);
                break;
            case ArtifactStatus.Unreadable:
                var reason = read.Reason ?? "unreadable";
                const string prefix = "unreadable: ";
                reason = reason.StartsWith(prefix, StringComparison.Ordinal) ? reason[prefix.Length..] : reason;
                Add(new RecordedArtifact { Path = path, Kind = RecordedArtifactKind.Error, Bytes = System.Text.Encoding.UTF8.GetBytes(reason + "\n") }, replace: true);
                break;
            case ArtifactStatus.Absent:
                break;
        }
    }

    private void Add(RecordedArtifact artifact, bool replace)
    {
        lock (recorded)
        {
            if (replace || !recorded.ContainsKey(artifact.Path))
            {
                // A listing never downgrades a file or link recorded at the same path.
                if (artifact.Kind == RecordedArtifactKind.Directory && recorded.TryGetValue(artifact.Path, out var existing)
                    && existing.Kind != RecordedArtifactKind.Directory)
                {
                    return;
                }

                recorded[artifact.Path] = artifact;
            }
        }
    }
}
