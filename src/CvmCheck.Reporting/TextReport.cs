using CvmCheck.Core.Facts;
using CvmCheck.Core.Reports;
using CvmCheck.Core.Rules;

namespace CvmCheck.Reporting;

/// <summary>Human-readable <c>check</c> output: findings grouped by status, worst first, each with
/// expected vs actual, the evidence path and the remedy. Colour only when asked (a terminal).</summary>
public static class TextReport
{
    private static readonly FindingStatus[] Order = [FindingStatus.Fail, FindingStatus.Error, FindingStatus.Warn, FindingStatus.Waived, FindingStatus.Skip, FindingStatus.Pass];

    public static void Write(TextWriter output, CheckReport report, bool colour = false)
    {
        var c = new Colours(colour);
        output.WriteLine($"cvmcheck: {report.Source} — policies: {string.Join(", ", report.Policies)}");
        foreach (var status in Order)
        {
            var group = report.Findings.Where(f => f.Status == status).ToList();
            if (group.Count == 0)
            {
                continue;
            }

            output.WriteLine();
            output.WriteLine(c.Status(status, $"{status.ToName().ToUpperInvariant()} ({group.Count})"));
            foreach (var f in group)
            {
                var subject = f.Subject == "system" ? string.Empty : $" [{f.Subject}]";
                output.WriteLine($"  {c.Status(status, Mark(status))} {f.Id}{subject}: {f.Title} ({f.Severity.ToName()})");
                if (status is FindingStatus.Pass or FindingStatus.Skip)
                {
                    if (status == FindingStatus.Skip && f.Note is not null)
                    {
                        output.WriteLine($"      {f.Note}");
                    }

                    continue;
                }

                output.WriteLine($"      expected: {f.Expected ?? "-"}");
                output.WriteLine($"      actual:   {f.Actual ?? "unknown"}{(f.Note is null ? string.Empty : $" ({f.Note})")}");
                foreach (var e in f.Evidence)
                {
                    output.WriteLine($"      evidence: {e.Artifact}{(e.Line is int l ? $":{l}" : string.Empty)}");
                }

                if (f.Remediation.Length > 0)
                {
                    output.WriteLine($"      remedy:   {f.Remediation.Trim()}");
                }
            }
        }

        if (report.Diagnoses.Count > 0)
        {
            output.WriteLine();
            output.WriteLine($"DIAGNOSES ({report.Diagnoses.Count})");
            foreach (var d in report.Diagnoses)
            {
                output.WriteLine($"  {d.Id}: {d.Title} ({d.Severity.ToName()}, confidence {d.Confidence})");
                foreach (var e in d.Evidence.Take(5))
                {
                    output.WriteLine($"      {e.Artifact}{(e.Line is int l ? $":{l}" : string.Empty)}: {e.Text}");
                }

                if (d.Remediation.Length > 0)
                {
                    output.WriteLine($"      remedy:   {d.Remediation.Trim()}");
                }
            }
        }

        output.WriteLine();
        var counts = string.Join(", ", Order.Select(s => (s, n: report.Findings.Count(f => f.Status == s))).Where(x => x.n > 0).Select(x => $"{x.n} {x.s.ToName()}"));
        output.WriteLine($"verdict: {c.Verdict(report.Verdict)} ({counts}{(report.Diagnoses.Count > 0 ? $", {report.Diagnoses.Count} diagnoses" : string.Empty)})");
    }

    public static void WriteFacts(TextWriter output, FactSet facts)
    {
        var width = facts.All.Select(f => f.Name.Length).DefaultIfEmpty(0).Max();
        foreach (var fact in facts.Sorted)
        {
            var value = fact.Value is null ? $"null ({fact.Reason ?? FactReasons.Absent})" : Fact.FormatValue(fact.Value);
            if (value is { Length: > 100 })
            {
                value = value[..97] + "...";
            }

            var where = fact.Artifact is null ? string.Empty : $"  [{fact.Artifact}{(fact.Line is int l ? $":{l}" : string.Empty)}]";
            output.WriteLine($"{fact.Name.PadRight(width)}  {value}{where}");
        }
    }

    private static string Mark(FindingStatus s) => s switch
    {
        FindingStatus.Pass => "✓",
        FindingStatus.Skip => "-",
        FindingStatus.Waived => "~",
        FindingStatus.Warn => "!",
        _ => "✗",
    };

    private readonly struct Colours(bool on)
    {
        public string Status(FindingStatus s, string text) => !on ? text : s switch
        {
            FindingStatus.Fail or FindingStatus.Error => $"\u001b[31m{text}\u001b[0m",
            FindingStatus.Warn or FindingStatus.Waived => $"\u001b[33m{text}\u001b[0m",
            FindingStatus.Pass => $"\u001b[32m{text}\u001b[0m",
            _ => text,
        };

        public string Verdict(Verdict v) => !on ? v.ToName() : v switch
        {
            Core.Rules.Verdict.Pass => $"\u001b[32m{v.ToName()}\u001b[0m",
            Core.Rules.Verdict.Warn => $"\u001b[33m{v.ToName()}\u001b[0m",
            _ => $"\u001b[31m{v.ToName()}\u001b[0m",
        };
    }
}
