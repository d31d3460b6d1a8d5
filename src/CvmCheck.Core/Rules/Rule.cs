namespace CvmCheck.Core.Rules;

/// <summary>
/// A policy rule (DESIGN.md §4). Either a check (<see cref="Fact"/> + <see cref="Tests"/>) or a
/// predictive rule (no fact; it fires when <see cref="When"/> holds and names what it <see cref="Predicts"/>).
/// </summary>
public sealed record Rule
{
    public required string Id { get; init; }

    public required string Title { get; init; }

    public required Severity Severity { get; init; }

    public string? Fact { get; init; }

    /// <summary>All must hold (one operator, or <c>min</c> with <c>max</c>).</summary>
    public IReadOnlyList<FactTest> Tests { get; init; } = [];

    public bool Optional { get; init; }

    public Condition? When { get; init; }

    public string? Predicts { get; init; }

    public string Remediation { get; init; } = string.Empty;

    public IReadOnlyList<string> References { get; init; } = [];

    public string? Description { get; init; }

    public SourcePosition Position { get; init; } = SourcePosition.None;

    public bool IsPredictive => Fact is null;

    public string Expected => IsPredictive
        ? "risk not present"
        : string.Join(" and ", Tests.Select(t => t.Expected));
}

/// <summary>A waiver (DESIGN.md §4): the rule still runs and is reported as <c>waived</c> until it expires.</summary>
public sealed record Waiver(string Rule, string Reason, string Approver, DateOnly Expires, string? Subject, SourcePosition Position);

/// <summary>A loaded policy: a name, its rules and waivers.</summary>
public sealed record Policy(string Name, string? Description, IReadOnlyList<Rule> Rules, IReadOnlyList<Waiver> Waivers, string Origin);
