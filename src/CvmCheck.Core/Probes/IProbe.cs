using CvmCheck.Core.Facts;
using CvmCheck.Core.Sources;

namespace CvmCheck.Core.Probes;

/// <summary>
/// Turns artifacts into facts. A probe never throws on a missing or odd artifact: the fact gets
/// <c>value: null</c> and a reason (DESIGN.md §1). Probes run in a fixed order; a later probe may read
/// facts an earlier one produced (e.g. the GPU probe copies the driver version to each GPU).
/// </summary>
public interface IProbe
{
    string Name { get; }

    void Run(ProbeContext context);
}

/// <summary>What a probe can see: the source, the facts so far, and one shared scan of the kernel log.</summary>
public sealed class ProbeContext(ISystemSource source, FactSet facts)
{
    private KernelLogScan? scan;

    public ISystemSource Source { get; } = source;

    public FactSet Facts { get; } = facts;

    /// <summary>The kernel log read once for every probe that needs it.</summary>
    public KernelLogScan KernelLog => scan ??= KernelLogScan.Run(Source);

    /// <summary>Reads a text artifact; on failure, records the fact as absent or unreadable and returns null.</summary>
    public string? ReadText(string path, string factOnFailure)
    {
        var read = Source.ReadFile(path);
        if (read.Ok)
        {
            return read.Text;
        }

        Facts.Add(read.Status == ArtifactStatus.Absent
            ? Fact.Absent(factOnFailure, [path])
            : Fact.Unavailable(factOnFailure, read.Reason!, path));
        return null;
    }

    /// <summary>Reads a text artifact without recording anything; null when it cannot be read.</summary>
    public string? TryReadText(string path)
    {
        var read = Source.ReadFile(path);
        return read.Ok ? read.Text : null;
    }
}
