namespace CvmCheck.Core.Rules;

public enum Verdict
{
    Pass,
    Warn,
    Error,
    Fail,
}

public static class VerdictRules
{
    public static string ToName(this Verdict v) => v switch
    {
        Verdict.Pass => "pass",
        Verdict.Warn => "warn",
        Verdict.Error => "error",
        _ => "fail",
    };

    /// <summary>DESIGN.md §3: fail if any fail, else error if any error, else warn if any warn, else pass.
    /// A diagnosis of severity ≥ fail-on counts as a fail.</summary>
    public static Verdict Of(IEnumerable<FindingStatus> statuses, bool anyFailingDiagnosis = false)
    {
        var list = statuses.ToList();
        if (anyFailingDiagnosis || list.Contains(FindingStatus.Fail))
        {
            return Verdict.Fail;
        }

        if (list.Contains(FindingStatus.Error))
        {
            return Verdict.Error;
        }

        return list.Contains(FindingStatus.Warn) ? Verdict.Warn : Verdict.Pass;
    }

    /// <summary>Exit code for a verdict (0 pass/warn — warn is 1 with strict —, 1 fail/error).</summary>
    public static int ExitCode(this Verdict v, bool strict) => v switch
    {
        Verdict.Pass => 0,
        Verdict.Warn => strict ? 1 : 0,
        _ => 1,
    };
}
