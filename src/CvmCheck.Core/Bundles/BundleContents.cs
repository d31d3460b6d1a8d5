using CvmCheck.Core.Snapshots;
using CvmCheck.Core.Sources;

namespace CvmCheck.Core.Bundles;

/// <summary>One entry under <c>artifacts/</c>: its manifest record and its bytes (empty for a directory).</summary>
public sealed record BundleArtifact(ManifestEntry Entry, byte[] Bytes);

/// <summary>
/// The <c>artifacts/</c> tree of a bundle: exactly the files and directories <see cref="SnapshotWriter"/>
/// writes for the same recorded artifacts (DESIGN.md §1a), so <c>check --from</c> sees what
/// <c>check --root</c> on a snapshot of the same run sees. Sorted by path (ordinal).
/// </summary>
public sealed class BundleContents
{
    public BundleContents(IEnumerable<BundleArtifact> artifacts)
    {
        Artifacts = artifacts.OrderBy(a => a.Entry.Path, StringComparer.Ordinal).ToArray();
    }

    public IReadOnlyList<BundleArtifact> Artifacts { get; }

    public IReadOnlyList<ManifestEntry> Entries => Artifacts.Select(a => a.Entry).ToArray();

    /// <summary>Lays the recorded artifacts out with <see cref="SnapshotWriter.Write"/> in a private temp
    /// directory (one layout, one implementation) and reads the tree back.</summary>
    public static BundleContents FromRecorded(IReadOnlyList<RecordedArtifact> recorded)
    {
        var commands = new Dictionary<string, RecordedArtifact>(StringComparer.Ordinal);
        foreach (var command in recorded.Where(a => a.Kind == RecordedArtifactKind.Command))
        {
            foreach (var file in command.Files)
            {
                commands[file.Path] = command;
            }
        }

        var staging = Directory.CreateTempSubdirectory("cvmcheck-bundle-");
        try
        {
            SnapshotWriter.Write(recorded, staging.FullName);
            var list = new List<BundleArtifact>();
            foreach (var info in staging.EnumerateFileSystemInfos("*", SearchOption.AllDirectories))
            {
                var relative = Path.GetRelativePath(staging.FullName, info.FullName).Replace('\\', '/');
                var path = BundleLayout.ArtifactsPrefix + relative;
                if (info is DirectoryInfo)
                {
                    list.Add(new BundleArtifact(new ManifestEntry { Path = path, Kind = ManifestEntryKind.Directory }, []));
                    continue;
                }

                var bytes = File.ReadAllBytes(info.FullName);
                var file = new RecordedFile(relative, bytes);
                commands.TryGetValue(relative, out var command);
                list.Add(new BundleArtifact(
                    new ManifestEntry
                    {
                        Path = path,
                        Kind = command is null ? ManifestEntryKind.File : ManifestEntryKind.Command,
                        Size = file.Size,
                        Sha384 = file.Sha384,
                        Argv = command?.Argv,
                        Exit = command?.Exit,
                    },
                    bytes));
            }

            return new BundleContents(list);
        }
        finally
        {
            staging.Delete(recursive: true);
        }
    }

    /// <summary>Regular files given by path (relative to <c>artifacts/</c>) and bytes: for tests, benchmarks
    /// and tools that build bundles of their own.</summary>
    public static BundleContents FromFiles(IEnumerable<KeyValuePair<string, byte[]>> files) =>
        new(files.Select(f => new BundleArtifact(
            new ManifestEntry
            {
                Path = BundleLayout.ArtifactsPrefix + f.Key,
                Kind = ManifestEntryKind.File,
                Size = f.Value.LongLength,
                Sha384 = new RecordedFile(f.Key, f.Value).Sha384,
            },
            f.Value)));
}
