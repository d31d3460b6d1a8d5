using System.Text;
using CvmCheck.Core.Diagnosis;
using CvmCheck.Core.Rules;

namespace CvmCheck.Reporting.Diagnose;

/// <summary>
/// Human-readable diagnose output. Log text is hostile input: control characters (terminal escape
/// sequences included) are shown as <c>\xNN</c>, never written raw.
/// </summary>
public static class DiagnoseTextWriter
{
    public static void Write(TextWriter output, DiagnoseReport report)
    {
        var failing = report.Diagnoses.Count(d => DiagnoseReport.Fails(d, report.FailOn));
        output.WriteLine($"verdict: {report.Verdict.ToName()} ({report.Diagnoses.Count} diagnos{(report.Diagnoses.Count == 1 ? "is" : "es")}, {failing} at or above {report.FailOn.ToName()})");
        if (report.Artifacts.Count > 0)
        {
            output.WriteLine("log: " + string.Join(", ", report.Artifacts.Select(Safe)));
        }

        foreach (var d in report.Diagnoses)
        {
            output.WriteLine();
            output.WriteLine($"[{d.Severity.ToName()}] {d.Id}: {d.Title}  (confidence {d.Confidence}, seen {d.Occurrences}×)");
            foreach (var e in d.Evidence)
            {
                output.WriteLine($"    {Safe(e.Artifact)}:{e.Line?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}: {Safe(e.Text ?? string.Empty)}");
            }

            if (d.Captures.Count > 0)
            {
                output.WriteLine("  captured: " + string.Join(", ", d.Captures.Select(c => $"{c.Key}={Safe(c.Value)}")));
            }

            if (d.Explanation.Length > 0)
            {
                output.WriteLine("  why: " + d.Explanation);
            }

            output.WriteLine("  fix: " + d.Remediation);
            foreach (var r in d.References)
            {
                output.WriteLine("  see: " + r);
            }
        }

        if (report.Diagnoses.Count == 0)
        {
            output.WriteLine("no known failure signature found");
        }
    }

    /// <summary>Escapes control characters so log text cannot drive the terminal.</summary>
    public static string Safe(string text)
    {
        var clean = true;
        foreach (var c in text)
        {
            if (char.IsControl(c))
            {
                clean = false;
                break;
            }
        }

        if (clean)
        {
            return text;
        }

        var sb = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            sb.Append(char.IsControl(c) ? $"\\x{(int)c:x2}" : c);
        }

        return sb.ToString();
    }
}
