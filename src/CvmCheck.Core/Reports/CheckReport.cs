using CvmCheck.Core.Facts;
using CvmCheck.Core.Rules;

namespace CvmCheck.Core.Reports;

/// <summary>Everything one <c>check</c> run produced (DESIGN.md §3 report schema cvmcheck/report/v1).</summary>
public sealed record CheckReport
{
    public const string Schema = "cvmcheck/report/v1";

    public required Verdict Verdict { get; init; }

    public required IReadOnlyList<Finding> Findings { get; init; }

    public IReadOnlyList<Diagnosis.Diagnosis> Diagnoses { get; init; } = [];

    public required FactSet Facts { get; init; }

    public IReadOnlyList<string> Policies { get; init; } = [];

    public string Source { get; init; } = string.Empty;

    public DateTimeOffset Timestamp { get; init; } = DateTimeOffset.UtcNow;

    public Severity FailOn { get; init; } = Severity.Medium;
}
