using System.Text;
using System.Text.Json;
using CvmCheck.Attestation.Gpu;
using CvmCheck.Attestation.Rim;

namespace CvmCheck.Cli.Attest.Gpu;

/// <summary>Renders a GPU appraisal as <c>cvmcheck/attest/v1</c> JSON or as text (one line per step, then the claims).</summary>
internal static class GpuAttestOutput
{
    public const string Schema = "cvmcheck/attest/v1";

    public static void WriteJson(TextWriter output, GpuAttestationResult result, string? verdict = null, PolicyAppraisal? appraisal = null)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("schema", Schema);
            w.WriteString("verdict", verdict ?? result.VerdictText);
            appraisal?.WriteJson(w);
            WriteClaims(w, result);
            WriteSteps(w, result.Steps);
            w.WriteEndObject();
        }

        output.WriteLine(Encoding.UTF8.GetString(stream.ToArray()));
    }

    /// <summary>The <c>claims</c> object (docs/attestation-gpu.md, JSON); shared by <c>--report</c> and each GPU of <c>--live</c>.</summary>
    internal static void WriteClaims(Utf8JsonWriter w, GpuAttestationResult result)
    {
        var opaque = result.Report.OpaqueData;
        w.WriteStartObject("claims");
        w.WriteBoolean("signatureValid", result.SignatureValid);
        w.WriteBoolean("chainValid", result.ChainValid);
        WriteBool(w, "fwidMatches", result.FwidMatches);
        WriteBool(w, "nonceMatches", result.NonceMatches);
        w.WriteString("nonce", Convert.ToHexStringLower(result.Report.RequestNonce.Span));
        w.WriteString("driverVersion", opaque.DriverVersion);
        w.WriteString("vbiosVersion", opaque.VbiosVersion);
        w.WriteString("project", opaque.Project);
        w.WriteString("sku", opaque.ProjectSku);
        w.WriteString("chip", opaque.ChipSku);
        w.WriteString("fwid", opaque.Fwid is { } fwid ? Convert.ToHexStringLower(fwid.Span) : null);
        WriteBool(w, "protectedPcie", opaque.ProtectedPcieEnabled);
        if (opaque.ChipInfo is { } chipInfo)
        {
            w.WriteString("chipInfo", Convert.ToHexStringLower(chipInfo.Span));
        }

        if (opaque.SwitchPdis.Count > 0)
        {
            w.WriteStartArray("switchPdis");
            foreach (var pdi in opaque.SwitchPdis)
            {
                w.WriteStringValue(pdi);
            }

            w.WriteEndArray();
        }

        w.WriteString("revocation", result.Revocation.StatusText);
        w.WriteStartArray("measurements");
        foreach (var m in result.Measurements)
        {
            w.WriteStartObject();
            w.WriteNumber("index", m.Index);
            w.WriteString("status", MeasurementResult.StatusText(m.Status));
            w.WriteString("digest", m.Digest is null ? null : Convert.ToHexStringLower(m.Digest));
            if (m.Rim is not null)
            {
                w.WriteString("rim", m.Rim);
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("rims");
        foreach (var r in result.Rims)
        {
            w.WriteStartObject();
            w.WriteString("file", r.File);
            w.WriteString("kind", r.Manifest is null ? null : r.Manifest.Kind == RimKind.Vbios ? "vbios" : "driver");
            w.WriteString("version", r.Manifest?.ColloquialVersion);
            w.WriteBoolean("digestValid", r.DigestValid);
            w.WriteBoolean("signatureValid", r.SignatureValid);
            w.WriteBoolean("chainValid", r.ChainValid);
            w.WriteBoolean("timeValid", r.TimeValid);
            w.WriteBoolean("valid", r.IsValid);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteBoolean("setReady", result.SetReady);
        w.WriteEndObject();
    }

    /// <summary>The <c>steps</c> array: name, status, code when not passing, detail.</summary>
    internal static void WriteSteps(Utf8JsonWriter w, IEnumerable<VerificationStep> steps)
    {
        w.WriteStartArray("steps");
        foreach (var s in steps)
        {
            w.WriteStartObject();
            w.WriteString("name", s.Name);
            w.WriteString("status", VerificationStep.StatusText(s.Status));
            if (s.Code != GpuIssueCode.None)
            {
                w.WriteString("code", s.Code.ToString());
            }

            w.WriteString("detail", s.Detail);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    public static void WriteText(TextWriter output, GpuAttestationResult result, string? verdict = null)
    {
        foreach (var s in result.Steps)
        {
            output.WriteLine($"{VerificationStep.StatusText(s.Status),-4}  {s.Name}: {s.Detail}");
        }

        var opaque = result.Report.OpaqueData;
        var counts = result.Measurements.GroupBy(m => m.Status).ToDictionary(g => g.Key, g => g.Count());
        output.WriteLine();
        output.WriteLine($"driver {opaque.DriverVersion ?? "?"}, VBIOS {opaque.VbiosVersion ?? "?"}, SKU {opaque.SkuTriple ?? "?"}");
        output.WriteLine($"measurements: {counts.GetValueOrDefault(MeasurementStatus.Match)} match, {counts.GetValueOrDefault(MeasurementStatus.Mismatch)} mismatch, {counts.GetValueOrDefault(MeasurementStatus.NoReference)} no-reference");
        output.WriteLine($"revocation: {result.Revocation.StatusText}; setReady: {(result.SetReady ? "true" : "false")}");
        output.WriteLine($"verdict: {verdict ?? result.VerdictText}");
    }

    private static void WriteBool(Utf8JsonWriter w, string name, bool? value)
    {
        if (value is { } v)
        {
            w.WriteBoolean(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }
}
