using CvmCheck.Core.Sources;

namespace CvmCheck.Core.KernelLog;

/// <summary>
/// Finds the kernel log of a source (DESIGN.md §1a): <c>dev/kmsg</c> records, else <c>commands/dmesg.out</c>,
/// else <c>commands/journalctl_-k_-b_--no-pager.out</c>. Lines are streamed, never loaded whole.
/// </summary>
public static class KernelLogLocator
{
    public const string Kmsg = "dev/kmsg";

    public static readonly string[] Candidates =
    [
        Kmsg,
        CommandPaths.Stdout(KnownCommands.Dmesg),
        CommandPaths.Stdout(KnownCommands.JournalKernel),
    ];

    /// <summary>The artifact path of the first kernel log the source has, or null.</summary>
    public static string? Find(ISystemSource source) => Candidates.FirstOrDefault(source.Exists);

    /// <summary>Streams the kernel log's lines (1-based numbers). Empty when the source has none.</summary>
    public static IEnumerable<KernelLogLine> ReadLines(ISystemSource source)
    {
        var artifact = Find(source);
        if (artifact is null)
        {
            yield break;
        }

        using var stream = source.OpenRead(artifact, out _);
        if (stream is null)
        {
            yield break;
        }

        foreach (var line in LineReader.Read(stream))
        {
            yield return new KernelLogLine(artifact, line.Number, line.Text);
        }
    }
}

/// <summary>One raw line of a kernel log and where it was.</summary>
public sealed record KernelLogLine(string Artifact, int Number, string Text);
