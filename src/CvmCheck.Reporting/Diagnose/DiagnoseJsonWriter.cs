using System.Text.Encodings.Web;
using System.Text.Json;
using CvmCheck.Core.Diagnosis;
using CvmCheck.Core.Rules;

namespace CvmCheck.Reporting.Diagnose;

/// <summary>Writes <c>cvmcheck/diagnose/v1</c> JSON (DESIGN.md §3) with <see cref="Utf8JsonWriter"/> (AOT-safe).</summary>
public static class DiagnoseJsonWriter
{
    public static void Write(Stream output, DiagnoseReport report)
    {
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        json.WriteStartObject();
        json.WriteString("schema", DiagnoseReport.Schema);
        json.WriteString("verdict", report.Verdict.ToName());
        json.WriteString("fail_on", report.FailOn.ToName());
        json.WriteStartArray("artifacts");
        foreach (var artifact in report.Artifacts)
        {
            json.WriteStringValue(artifact);
        }

        json.WriteEndArray();
        json.WriteStartArray("diagnoses");
        foreach (var d in report.Diagnoses)
        {
            WriteDiagnosis(json, d);
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>One diagnosis object, also used inside the check report's <c>diagnoses[]</c>.</summary>
    public static void WriteDiagnosis(Utf8JsonWriter json, Diagnosis d)
    {
        json.WriteStartObject();
        json.WriteString("id", d.Id);
        json.WriteString("title", d.Title);
        json.WriteString("severity", d.Severity.ToName());
        json.WriteString("confidence", d.Confidence);
        json.WriteNumber("occurrences", d.Occurrences);
        json.WriteStartArray("evidence");
        foreach (var e in d.Evidence)
        {
            JsonReport.WriteEvidence(json, e with { Text = e.Text ?? string.Empty });
        }

        json.WriteEndArray();
        json.WriteString("explanation", d.Explanation);
        json.WriteString("remediation", d.Remediation);
        json.WriteStartArray("references");
        foreach (var r in d.References)
        {
            json.WriteStringValue(r);
        }

        json.WriteEndArray();
        json.WriteStartObject("captures");
        foreach (var (name, value) in d.Captures)
        {
            json.WriteString(name, value);
        }

        json.WriteEndObject();
        json.WriteEndObject();
    }
}
