using System.Globalization;
using System.Text;
using System.Xml;
using CvmCheck.Core.Reports;
using CvmCheck.Core.Rules;

namespace CvmCheck.Reporting.Junit;

/// <summary>
/// The <c>check</c> report as JUnit XML, the format every CI system renders (Jenkins, GitLab, Azure
/// Pipelines, GitHub test reporters). One <c>testsuite</c> per policy, one <c>testcase</c> per finding
/// named <c>rule id [subject]</c>: <c>fail</c> is a <c>failure</c>, <c>error</c> an <c>error</c>,
/// <c>skip</c> and <c>waived</c> are <c>skipped</c> (a waiver's reason in the message), <c>warn</c>
/// passes with the details in <c>system-out</c> so that warnings do not break a pipeline.
/// Diagnoses form one more suite; those at or above <c>--fail-on</c> are failures, as in the verdict.
/// </summary>
public static class JunitReport
{
    public const string DiagnosesSuite = "cvmcheck.diagnoses";

    public static void Write(Stream output, CheckReport report)
    {
        var settings = new XmlWriterSettings
        {
            Encoding = new UTF8Encoding(false),
            Indent = true,
            IndentChars = "  ",
            NewLineChars = "\n",
        };
        using var w = XmlWriter.Create(output, settings);
        var timestamp = report.Timestamp.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture);
        var suites = report.Findings
            .GroupBy(f => f.Policy.Length > 0 ? f.Policy : "cvmcheck")
            .Select(g => (Name: g.Key, Findings: g.ToList()))
            .ToList();
        var failingDiagnoses = report.Diagnoses.Count(d => d.Severity >= report.FailOn);

        w.WriteStartDocument();
        w.WriteStartElement("testsuites");
        w.WriteAttributeString("name", "cvmcheck");
        w.WriteAttributeString("tests", Count(report.Findings.Count + report.Diagnoses.Count));
        w.WriteAttributeString("failures", Count(report.Findings.Count(f => f.Status == FindingStatus.Fail) + failingDiagnoses));
        w.WriteAttributeString("errors", Count(report.Findings.Count(f => f.Status == FindingStatus.Error)));
        w.WriteAttributeString("skipped", Count(report.Findings.Count(f => f.Status is FindingStatus.Skip or FindingStatus.Waived)));
        w.WriteAttributeString("time", "0");
        w.WriteAttributeString("timestamp", timestamp);

        foreach (var (name, findings) in suites)
        {
            w.WriteStartElement("testsuite");
            w.WriteAttributeString("name", Clean(name));
            w.WriteAttributeString("tests", Count(findings.Count));
            w.WriteAttributeString("failures", Count(findings.Count(f => f.Status == FindingStatus.Fail)));
            w.WriteAttributeString("errors", Count(findings.Count(f => f.Status == FindingStatus.Error)));
            w.WriteAttributeString("skipped", Count(findings.Count(f => f.Status is FindingStatus.Skip or FindingStatus.Waived)));
            w.WriteAttributeString("time", "0");
            w.WriteAttributeString("timestamp", timestamp);
            WriteProperties(w, report);
            foreach (var f in findings)
            {
                WriteFinding(w, name, f);
            }

            w.WriteEndElement();
        }

        if (report.Diagnoses.Count > 0)
        {
            w.WriteStartElement("testsuite");
            w.WriteAttributeString("name", DiagnosesSuite);
            w.WriteAttributeString("tests", Count(report.Diagnoses.Count));
            w.WriteAttributeString("failures", Count(failingDiagnoses));
            w.WriteAttributeString("errors", "0");
            w.WriteAttributeString("skipped", "0");
            w.WriteAttributeString("time", "0");
            w.WriteAttributeString("timestamp", timestamp);
            foreach (var d in report.Diagnoses)
            {
                w.WriteStartElement("testcase");
                w.WriteAttributeString("classname", DiagnosesSuite);
                w.WriteAttributeString("name", Clean(d.Id));
                w.WriteAttributeString("time", "0");
                var body = new StringBuilder();
                body.Append(d.Title).Append('\n');
                body.Append("severity: ").Append(d.Severity.ToName()).Append(", confidence: ").Append(d.Confidence).Append('\n');
                foreach (var e in d.Evidence)
                {
                    body.Append("evidence: ").Append(Location(e)).Append(e.Text is null ? string.Empty : ": " + e.Text).Append('\n');
                }

                if (d.Remediation.Length > 0)
                {
                    body.Append("remedy: ").Append(d.Remediation.Trim()).Append('\n');
                }

                if (d.Severity >= report.FailOn)
                {
                    w.WriteStartElement("failure");
                    w.WriteAttributeString("message", Clean(d.Title));
                    w.WriteAttributeString("type", d.Severity.ToName());
                    w.WriteString(Clean(body.ToString()));
                    w.WriteEndElement();
                }
                else
                {
                    w.WriteElementString("system-out", Clean(body.ToString()));
                }

                w.WriteEndElement();
            }

            w.WriteEndElement();
        }

        w.WriteEndElement();
        w.WriteEndDocument();
    }

    /// <summary>The testcase name: the rule id, with the subject when it is not the whole system.</summary>
    public static string TestName(Finding f) => f.Subject == "system" ? f.Id : $"{f.Id} [{f.Subject}]";

    private static void WriteFinding(XmlWriter w, string suite, Finding f)
    {
        w.WriteStartElement("testcase");
        w.WriteAttributeString("classname", Clean(suite));
        w.WriteAttributeString("name", Clean(TestName(f)));
        w.WriteAttributeString("time", "0");
        switch (f.Status)
        {
            case FindingStatus.Fail:
                WriteProblem(w, "failure", f);
                break;
            case FindingStatus.Error:
                WriteProblem(w, "error", f);
                break;
            case FindingStatus.Skip:
                w.WriteStartElement("skipped");
                w.WriteAttributeString("message", Clean(f.Note ?? "skipped"));
                w.WriteEndElement();
                break;
            case FindingStatus.Waived:
                w.WriteStartElement("skipped");
                w.WriteAttributeString("message", Clean(WaivedMessage(f)));
                w.WriteEndElement();
                w.WriteElementString("system-out", Clean(Details(f)));
                break;
            case FindingStatus.Warn:
                w.WriteElementString("system-out", Clean("WARNING: " + Details(f)));
                break;
        }

        w.WriteEndElement();
    }

    private static void WriteProblem(XmlWriter w, string element, Finding f)
    {
        w.WriteStartElement(element);
        w.WriteAttributeString("message", Clean(Message(f)));
        w.WriteAttributeString("type", f.Severity.ToName());
        w.WriteString(Clean(Details(f)));
        w.WriteEndElement();
    }

    /// <summary>One line a CI summary can show: what was expected and what was found.</summary>
    public static string Message(Finding f) =>
        $"{f.Title}: expected {f.Expected ?? "-"}, actual {f.Actual ?? "unknown"}" + (f.Note is null ? string.Empty : $" ({f.Note})");

    private static string WaivedMessage(Finding f) => f.Waiver is { } waiver
        ? $"waived until {waiver.Expires.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)} by {waiver.Approver}: {waiver.Reason}"
        : f.Note ?? "waived";

    private static string Details(Finding f)
    {
        var body = new StringBuilder();
        body.Append(f.Title).Append(" (").Append(f.Severity.ToName()).Append(")\n");
        body.Append("expected: ").Append(f.Expected ?? "-").Append('\n');
        body.Append("actual:   ").Append(f.Actual ?? "unknown").Append('\n');
        if (f.Note is not null)
        {
            body.Append("note:     ").Append(f.Note).Append('\n');
        }

        foreach (var e in f.Evidence)
        {
            body.Append("evidence: ").Append(Location(e)).Append('\n');
        }

        if (f.Remediation.Length > 0)
        {
            body.Append("remedy:   ").Append(f.Remediation.Trim()).Append('\n');
        }

        foreach (var r in f.References)
        {
            body.Append("see:      ").Append(r).Append('\n');
        }

        return body.ToString();
    }

    private static void WriteProperties(XmlWriter w, CheckReport report)
    {
        w.WriteStartElement("properties");
        Property(w, "verdict", report.Verdict.ToName());
        Property(w, "source", report.Source);
        Property(w, "fail-on", report.FailOn.ToName());
        Property(w, "policies", string.Join(",", report.Policies));
        w.WriteEndElement();
    }

    private static void Property(XmlWriter w, string name, string value)
    {
        w.WriteStartElement("property");
        w.WriteAttributeString("name", name);
        w.WriteAttributeString("value", Clean(value));
        w.WriteEndElement();
    }

    private static string Location(Evidence e) => e.Line is int line ? $"{e.Artifact}:{line}" : e.Artifact;

    private static string Count(int n) => n.ToString(CultureInfo.InvariantCulture);

    /// <summary>XML 1.0 cannot carry most control characters, and kernel log evidence may hold them:
    /// they are replaced by U+FFFD rather than making the writer throw.</summary>
    internal static string Clean(string text)
    {
        var firstBad = -1;
        for (var i = 0; i < text.Length; i++)
        {
            if (!IsXmlChar(text, i))
            {
                firstBad = i;
                break;
            }
        }

        if (firstBad < 0)
        {
            return text;
        }

        var sb = new StringBuilder(text.Length);
        sb.Append(text, 0, firstBad);
        for (var i = firstBad; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                sb.Append(text[i]).Append(text[i + 1]);
                i++;
            }
            else
            {
                sb.Append(IsXmlChar(text, i) ? text[i] : '\uFFFD');
            }
        }

        return sb.ToString();
    }

    private static bool IsXmlChar(string text, int i)
    {
        var c = text[i];
        if (char.IsHighSurrogate(c))
        {
            return i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]);
        }

        if (char.IsLowSurrogate(c))
        {
            return i > 0 && char.IsHighSurrogate(text[i - 1]);
        }

        return XmlConvert.IsXmlChar(c);
    }
}
