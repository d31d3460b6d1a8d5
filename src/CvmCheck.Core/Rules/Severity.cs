namespace CvmCheck.Core.Rules;

/// <summary>Rule and diagnosis severities, ordered so that comparisons mean "at least as severe".</summary>
public enum Severity
{
    Info = 0,
    Low = 1,
    Medium = 2,
    High = 3,
    Critical = 4,
}

public static class SeverityNames
{
    public static readonly string[] All = ["critical", "high", "medium", "low", "info"];

    public static string ToName(this Severity s) => s switch
    {
        Severity.Critical => "critical",
        Severity.High => "high",
        Severity.Medium => "medium",
        Severity.Low => "low",
        _ => "info",
    };

    public static bool TryParse(string? text, out Severity severity)
    {
        severity = text switch
        {
            "critical" => Severity.Critical,
            "high" => Severity.High,
            "medium" => Severity.Medium,
            "low" => Severity.Low,
            "info" => Severity.Info,
            _ => (Severity)(-1),
        };
        return (int)severity >= 0;
    }
}
