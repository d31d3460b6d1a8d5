using CvmCheck.Formats.Spdm;

namespace CvmCheck.Attestation.Rim;

/// <summary>How one measurement compares with the references: <c>match</c>, <c>mismatch</c> or <c>no-reference</c>.</summary>
public enum MeasurementStatus
{
    Mismatch = 0,
    NoReference = 1,
    Match = 2,
}

/// <summary>One row of the match table, by RIM (0-based) index; <see cref="Rim"/> names the RIM that decided it.</summary>
public sealed record MeasurementResult(int Index, MeasurementStatus Status, byte[]? Digest, string? Rim)
{
    public static string StatusText(MeasurementStatus status) => status switch
    {
        MeasurementStatus.Match => "match",
        MeasurementStatus.Mismatch => "mismatch",
        _ => "no-reference",
    };
}

/// <summary>
/// Compares report measurement blocks with RIM references. RIM index i is SPDM block i+1 (RIMs count
/// from 0, SPDM from 1); a block matches when its digest equals any of the index's alternatives
/// (Hash0..HashN-1). An active RIM index with no block in the report is a mismatch. When two RIMs
/// both give an index, any mismatch wins.
/// </summary>
public static class MeasurementMatcher
{
    public static IReadOnlyList<MeasurementResult> Match(SpdmMeasurementReport report, IEnumerable<(string Name, ReferenceIntegrityManifest Rim)> rims)
    {
        var table = new SortedDictionary<int, MeasurementResult>();
        foreach (var block in report.Blocks)
        {
            table[block.RimIndex] = new MeasurementResult(block.RimIndex, MeasurementStatus.NoReference, block.Value.ToArray(), null);
        }

        foreach (var (name, rim) in rims)
        {
            foreach (var reference in rim.ActiveMeasurements)
            {
                var block = report.Block(reference.Index + 1);
                var digest = block?.Value.ToArray();
                var matches = digest is not null && reference.Alternatives.Any(a => a.AsSpan().SequenceEqual(digest));
                var status = matches ? MeasurementStatus.Match : MeasurementStatus.Mismatch;
                if (table.TryGetValue(reference.Index, out var existing) && existing.Status == MeasurementStatus.Mismatch)
                {
                    continue;
                }

                table[reference.Index] = new MeasurementResult(reference.Index, status, digest, name);
            }
        }

        return table.Values.ToList();
    }
}
