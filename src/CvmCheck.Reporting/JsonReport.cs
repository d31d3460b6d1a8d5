using System.Text.Json;
using CvmCheck.Core.Reports;
using CvmCheck.Core.Rules;

namespace CvmCheck.Reporting;

/// <summary>The <c>check</c> report as JSON (DESIGN.md §3, schema <c>cvmcheck/report/v1</c>).</summary>
public static class JsonReport
{
    public static void Write(Stream output, CheckReport report)
    {
        using var w = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteString("schema", CheckReport.Schema);
        w.WriteString("verdict", report.Verdict.ToName());
        w.WriteString("timestamp", report.Timestamp.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture));
        w.WriteString("source", report.Source);
        w.WriteString("failOn", report.FailOn.ToName());
        w.WriteStartArray("policies");
        foreach (var p in report.Policies)
        {
            w.WriteStringValue(p);
        }

        w.WriteEndArray();
        w.WriteStartObject("summary");
        foreach (var status in Enum.GetValues<FindingStatus>())
        {
            w.WriteNumber(status.ToName(), report.Findings.Count(f => f.Status == status));
        }

        w.WriteEndObject();
        w.WriteStartArray("findings");
        foreach (var f in report.Findings)
        {
            WriteFinding(w, f);
        }

        w.WriteEndArray();
        w.WriteStartArray("diagnoses");
        foreach (var d in report.Diagnoses)
        {
            Diagnose.DiagnoseJsonWriter.WriteDiagnosis(w, d);
        }

        w.WriteEndArray();
        w.WritePropertyName("facts");
        JsonFacts.WriteFacts(w, report.Facts);
        w.WriteEndObject();
    }

    public static void WriteFinding(Utf8JsonWriter w, Finding f)
    {
        w.WriteStartObject();
        w.WriteString("id", f.Id);
        w.WriteString("subject", f.Subject);
        w.WriteString("status", f.Status.ToName());
        w.WriteString("severity", f.Severity.ToName());
        w.WriteString("title", f.Title);
        WriteNullable(w, "expected", f.Expected);
        WriteNullable(w, "actual", f.Actual);
        w.WriteStartArray("evidence");
        foreach (var e in f.Evidence)
        {
            WriteEvidence(w, e);
        }

        w.WriteEndArray();
        w.WriteString("remediation", f.Remediation);
        WriteStrings(w, "references", f.References);
        if (f.Fact is not null)
        {
            w.WriteString("fact", f.Fact);
        }

        if (f.Note is not null)
        {
            w.WriteString("note", f.Note);
        }

        if (f.Predicts is not null)
        {
            w.WriteString("predicts", f.Predicts);
        }

        if (f.Waiver is { } waiver)
        {
            w.WriteStartObject("waiver");
            w.WriteString("reason", waiver.Reason);
            w.WriteString("approver", waiver.Approver);
            w.WriteString("expires", waiver.Expires.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
            w.WriteEndObject();
        }

        w.WriteString("policy", f.Policy);
        w.WriteEndObject();
    }

    public static void WriteEvidence(Utf8JsonWriter w, Evidence e)
    {
        w.WriteStartObject();
        w.WriteString("artifact", e.Artifact);
        if (e.Line is int line)
        {
            w.WriteNumber("line", line);
        }
        else
        {
            w.WriteNull("line");
        }

        if (e.Text is not null)
        {
            w.WriteString("text", e.Text);
        }

        w.WriteEndObject();
    }

    private static void WriteStrings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            w.WriteStringValue(v);
        }

        w.WriteEndArray();
    }

    private static void WriteNullable(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }
}
