using CvmCheck.Core.Rules;

namespace CvmCheck.Core.Diagnosis;

/// <summary>A recognised failure (or informational state) with the log lines that show it
/// (DESIGN.md §3 diagnose JSON: id, severity, confidence, evidence, explanation, remediation, references).</summary>
public sealed record Diagnosis
{
    public required string Id { get; init; }

    public required string Title { get; init; }

    public required Severity Severity { get; init; }

    /// <summary><c>high</c>, <c>medium</c> or <c>low</c>.</summary>
    public string Confidence { get; init; } = "high";

    /// <summary>The first few records that show it (bounded; see <see cref="Occurrences"/> for how many there were).</summary>
    public IReadOnlyList<Evidence> Evidence { get; init; } = [];

    /// <summary>How many times the signature's patterns were satisfied in the log.</summary>
    public int Occurrences { get; init; } = 1;

    public string Explanation { get; init; } = string.Empty;

    public string Remediation { get; init; } = string.Empty;

    public IReadOnlyList<string> References { get; init; } = [];

    /// <summary>Values captured from the log (Xid number, register, address…).</summary>
    public IReadOnlyDictionary<string, string> Captures { get; init; } = new Dictionary<string, string>();
}
