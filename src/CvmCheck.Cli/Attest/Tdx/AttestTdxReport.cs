using System.Text;
using System.Text.Json;
using CvmCheck.Attestation.Tdx;
using CvmCheck.Formats.Tdx;

namespace CvmCheck.Cli.Attest.Tdx;

/// <summary>Writes a TDX verification result as `cvmcheck/attest/v1` JSON or as text (DESIGN.md §3).
/// Utf8JsonWriter only: no reflection, AOT-clean.</summary>
internal static class AttestTdxReport
{
    public const string Schema = "cvmcheck/attest/v1";

    public static string VerdictName(Verdict v) => v switch
    {
        Verdict.Pass => "pass",
        Verdict.Warn => "warn",
        _ => "fail",
    };

    public static string StatusName(StepStatus s) => s switch
    {
        StepStatus.Pass => "pass",
        StepStatus.Warn => "warn",
        StepStatus.Skip => "skip",
        _ => "fail",
    };

    public static void WriteJson(TextWriter output, TdxVerificationResult result, string? verdict = null, PolicyAppraisal? appraisal = null)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("schema", Schema);
            w.WriteString("verdict", verdict ?? VerdictName(result.Verdict));
            w.WritePropertyName("claims");
            WriteClaims(w, result.Quote.Body, result.Quote.Version, result.Quote.BodyType, result);
            appraisal?.WriteJson(w);
            w.WriteStartArray("steps");
            foreach (var step in result.Steps)
            {
                w.WriteStartObject();
                w.WriteString("name", step.Name);
                w.WriteString("status", StatusName(step.Status));
                w.WriteString("detail", step.Detail);
                w.WriteStartArray("codes");
                foreach (var issue in step.Issues)
                {
                    w.WriteStringValue(issue.Code.ToString());
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        output.WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
    }

    /// <summary>Claims only (used by --fresh without --collateral: nothing was verified).</summary>
    public static void WriteUnverifiedJson(TextWriter output, TdxQuote quote, string note)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("schema", Schema);
            w.WriteString("verdict", "warn");
            w.WritePropertyName("claims");
            WriteClaims(w, quote.Body, quote.Version, quote.BodyType, null);
            w.WriteStartArray("steps");
            w.WriteStartObject();
            w.WriteString("name", "verification");
            w.WriteString("status", "skip");
            w.WriteString("detail", note);
            w.WriteStartArray("codes");
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }

        output.WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
    }

    private static void WriteClaims(Utf8JsonWriter w, TdReportBody body, int version, int bodyType, TdxVerificationResult? result)
    {
        w.WriteStartObject();
        WriteStringOrNull(w, "tcbStatus", result?.TcbStatus?.ToIntelString());
        WriteStringOrNull(w, "qeTcbStatus", result?.QeTcbStatus?.ToIntelString());
        if (result is not null)
        {
            w.WriteBoolean("quoteVerified", result.QuoteVerified);
            w.WriteString("revocation", result.RevocationChecked ? "checked" : "unchecked");
        }

        w.WriteNumber("quoteVersion", version);
        w.WriteNumber("bodyType", bodyType);
        w.WriteString("mrtd", Hex(body.MrTd));
        w.WriteStartArray("rtmr");
        foreach (var r in body.Rtmrs)
        {
            w.WriteStringValue(Hex(r));
        }

        w.WriteEndArray();
        w.WriteString("reportData", Hex(body.ReportData));
        w.WriteString("mrconfigid", Hex(body.MrConfigId));
        w.WriteString("mrowner", Hex(body.MrOwner));
        w.WriteString("mrownerconfig", Hex(body.MrOwnerConfig));
        w.WriteString("mrseam", Hex(body.MrSeam));
        w.WriteString("mrsignerseam", Hex(body.MrSignerSeam));
        w.WriteBoolean("debug", body.TdAttributes.Debug);
        w.WriteString("tdAttributes", Hex(body.TdAttributesRaw));
        w.WriteStartObject("attributes");
        w.WriteBoolean("debug", body.TdAttributes.Debug);
        w.WriteBoolean("septVeDisable", body.TdAttributes.SeptVeDisable);
        w.WriteBoolean("pks", body.TdAttributes.Pks);
        w.WriteBoolean("kl", body.TdAttributes.KeyLocker);
        w.WriteBoolean("perfmon", body.TdAttributes.Perfmon);
        w.WriteEndObject();
        w.WriteString("xfam", Hex(body.Xfam));
        w.WriteString("teeTcbSvn", Hex(body.TeeTcbSvn));
        WriteStringOrNull(w, "fmspc", result?.Fmspc is { } f ? Hex(f) : null);
        w.WriteStartArray("advisoryIds");
        foreach (var id in result?.AdvisoryIds ?? [])
        {
            w.WriteStringValue(id);
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    public static void WriteText(TextWriter output, TdxVerificationResult result, string? verdict = null)
    {
        output.WriteLine($"verdict: {verdict ?? VerdictName(result.Verdict)}");
        foreach (var step in result.Steps)
        {
            var codes = step.Issues.Count > 0 ? $" [{string.Join(",", step.Issues.Select(i => i.Code))}]" : "";
            output.WriteLine($"{StatusName(step.Status),-4} {step.Name}: {step.Detail}{codes}");
        }

        WriteClaimsText(output, result.Quote, result);
    }

    public static void WriteClaimsText(TextWriter output, TdxQuote quote, TdxVerificationResult? result)
    {
        var body = quote.Body;
        output.WriteLine("claims:");
        output.WriteLine($"  tcbStatus: {result?.TcbStatus?.ToIntelString() ?? "-"}");
        output.WriteLine($"  qeTcbStatus: {result?.QeTcbStatus?.ToIntelString() ?? "-"}");
        output.WriteLine($"  quoteVersion: {quote.Version}");
        output.WriteLine($"  mrtd: {Hex(body.MrTd)}");
        for (var i = 0; i < body.Rtmrs.Count; i++)
        {
            output.WriteLine($"  rtmr{i}: {Hex(body.Rtmrs[i])}");
        }

        output.WriteLine($"  reportData: {Hex(body.ReportData)}");
        output.WriteLine($"  mrconfigid: {Hex(body.MrConfigId)}");
        output.WriteLine($"  mrowner: {Hex(body.MrOwner)}");
        output.WriteLine($"  mrownerconfig: {Hex(body.MrOwnerConfig)}");
        output.WriteLine($"  mrseam: {Hex(body.MrSeam)}");
        var a = body.TdAttributes;
        output.WriteLine($"  debug: {(a.Debug ? "true" : "false")}");
        output.WriteLine($"  attributes: {Hex(body.TdAttributesRaw)} (debug={Bool(a.Debug)} sept_ve_disable={Bool(a.SeptVeDisable)} pks={Bool(a.Pks)} kl={Bool(a.KeyLocker)} perfmon={Bool(a.Perfmon)})");
        output.WriteLine($"  xfam: {Hex(body.Xfam)}");
        output.WriteLine($"  teeTcbSvn: {Hex(body.TeeTcbSvn)}");
        output.WriteLine($"  fmspc: {(result?.Fmspc is { } f ? Hex(f) : "-")}");
        output.WriteLine($"  advisoryIds: {(result is { AdvisoryIds.Count: > 0 } ? string.Join(",", result.AdvisoryIds) : "-")}");
        if (result is not null)
        {
            output.WriteLine($"  revocation: {(result.RevocationChecked ? "checked" : "unchecked")}");
        }
    }

    private static string Bool(bool b) => b ? "true" : "false";

    private static void WriteStringOrNull(Utf8JsonWriter w, string name, string? value)
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

    private static string Hex(byte[] b) => Convert.ToHexStringLower(b);
}
