namespace CvmCheck.Core.Rules;

/// <summary>Finding statuses (DESIGN.md §3) as written in every output.</summary>
public enum FindingStatus
{
    Pass,
    Skip,
    Waived,
    Warn,
    Error,
    Fail,
}

public static class FindingStatusNames
{
    public static string ToName(this FindingStatus s) => s switch
    {
        FindingStatus.Pass => "pass",
        FindingStatus.Skip => "skip",
        FindingStatus.Waived => "waived",
        FindingStatus.Warn => "warn",
        FindingStatus.Error => "error",
        _ => "fail",
    };
}

/// <summary>Where the evidence for a finding or diagnosis lies: a snapshot-relative artifact and, when
/// known, the 1-based line (null for an absent artifact that was consulted).</summary>
public sealed record Evidence(string Artifact, int? Line, string? Text = null);

/// <summary>The judgement of one rule for one subject (<c>system</c> or <c>gpu[i]</c>).</summary>
public sealed record Finding
{
    public required string Id { get; init; }

    public required string Subject { get; init; }

    public required FindingStatus Status { get; init; }

    public required Severity Severity { get; init; }

    public required string Title { get; init; }

    public string? Expected { get; init; }

    public string? Actual { get; init; }

    public IReadOnlyList<Evidence> Evidence { get; init; } = [];

    public string Remediation { get; init; } = string.Empty;

    public IReadOnlyList<string> References { get; init; } = [];

    /// <summary>The fact the rule judged (null for predictive rules).</summary>
    public string? Fact { get; init; }

    /// <summary>Why this status when it is not plain pass/fail: "skipped: when guard false", a fact's reason.</summary>
    public string? Note { get; init; }

    /// <summary>What a predictive rule predicts.</summary>
    public string? Predicts { get; init; }

    public Waiver? Waiver { get; init; }

    public string Policy { get; init; } = string.Empty;

    public SourcePosition Position { get; init; } = SourcePosition.None;
}
