namespace CvmCheck.Core.Sources;

/// <summary>
/// The only thing that touches the machine (DESIGN.md §1). Paths are snapshot-relative with forward
/// slashes (<c>proc/cpuinfo</c>, <c>sys/firmware/efi</c>): a live source maps them to <c>/proc/cpuinfo</c>,
/// a snapshot or bundle to the same path under its root. Implementations never throw for an absent,
/// unreadable or odd artifact; they report it in the result.
/// </summary>
public interface ISystemSource
{
    /// <summary>For messages: "snapshot /path", "live host", "bundle x.tar.gz".</summary>
    string Description { get; }

    /// <summary>Reads a whole file (capped; see <see cref="ArtifactRead.MaxBytes"/>).</summary>
    ArtifactRead ReadFile(string path);

    /// <summary>Opens a file for streaming (kernel logs can be large). Null with a reason when it cannot.</summary>
    Stream? OpenRead(string path, out ArtifactRead status);

    /// <summary>True when a file or directory exists at the path.</summary>
    bool Exists(string path);

    /// <summary>Names of the entries of a directory, sorted; empty when absent or unreadable.</summary>
    IReadOnlyList<string> ListDirectory(string path);

    /// <summary>Runs (live) or replays (snapshot) one allow-listed read-only command.</summary>
    CommandOutput RunCommand(IReadOnlyList<string> argv);
}
