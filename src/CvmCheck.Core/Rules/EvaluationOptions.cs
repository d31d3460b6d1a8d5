namespace CvmCheck.Core.Rules;

/// <summary>Inputs of evaluation besides facts. <see cref="Today"/> is injected (waiver expiry) so
/// evaluation stays a pure function.</summary>
public sealed record EvaluationOptions
{
    /// <summary>A failing rule of at least this severity is <c>fail</c>; below it, <c>warn</c>.</summary>
    public Severity FailOn { get; init; } = Severity.Medium;

    public DateOnly Today { get; init; } = DateOnly.FromDateTime(DateTime.UtcNow);
}
