using CvmCheck.Core.Rules;

namespace CvmCheck.Core.Diagnosis;

/// <summary>The result of <c>cvmcheck diagnose</c> (DESIGN.md §3, schema <c>cvmcheck/diagnose/v1</c>).</summary>
public sealed record DiagnoseReport(Verdict Verdict, IReadOnlyList<Diagnosis> Diagnoses, IReadOnlyList<string> Artifacts, Severity FailOn)
{
    public const string Schema = "cvmcheck/diagnose/v1";

    public static DiagnoseReport Of(IReadOnlyList<Diagnosis> diagnoses, IReadOnlyList<string> artifacts, Severity failOn) =>
        new(VerdictOf(diagnoses, failOn), diagnoses, artifacts, failOn);

    /// <summary>True when the diagnosis makes the run fail: severity at least <paramref name="failOn"/>.
    /// Informational diagnoses never do (DESIGN.md §5), even with <c>--fail-on info</c>.</summary>
    public static bool Fails(Diagnosis diagnosis, Severity failOn) =>
        diagnosis.Severity != Severity.Info && diagnosis.Severity >= failOn;

    /// <summary>fail when a diagnosis reaches fail-on; warn when a non-informational one stays below it; else pass.</summary>
    public static Verdict VerdictOf(IEnumerable<Diagnosis> diagnoses, Severity failOn)
    {
        var list = diagnoses.ToList();
        if (list.Any(d => Fails(d, failOn)))
        {
            return Verdict.Fail;
        }

        return list.Any(d => d.Severity != Severity.Info) ? Verdict.Warn : Verdict.Pass;
    }
}
