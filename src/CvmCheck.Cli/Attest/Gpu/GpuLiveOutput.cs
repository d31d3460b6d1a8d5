using System.Text;
using System.Text.Json;
using CvmCheck.Attestation.Gpu;
using CvmCheck.Attestation.Rim;

namespace CvmCheck.Cli.Attest.Gpu;

/// <summary>
/// Renders an <c>attest gpu --live</c> run. JSON: <c>{"schema":"cvmcheck/attest/v1","verdict",
/// "mode":"live","nonce","cc":{mode,environment,readyBefore},"error"?,"gpus":[{"index","verdict",
/// "appraisal"?,"claims","steps"}],"setReady":{"requested","done","reason"}}</c>; each GPU's claims
/// and steps have the single-report shape.
/// </summary>
internal static class GpuLiveOutput
{
    public static void WriteJson(TextWriter output, GpuLiveOutcome outcome)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("schema", GpuAttestOutput.Schema);
            w.WriteString("verdict", outcome.Verdict);
            w.WriteString("mode", "live");
            w.WriteString("nonce", Convert.ToHexStringLower(outcome.Nonce));
            if (outcome.CcState is { } cc)
            {
                w.WriteStartObject("cc");
                w.WriteString("mode", cc.ModeText);
                w.WriteString("environment", cc.EnvironmentText);
                if (outcome.ReadyBefore is { } ready)
                {
                    w.WriteBoolean("readyBefore", ready);
                }

                w.WriteEndObject();
            }

            if (outcome.Error is { } error)
            {
                WriteError(w, error.Code, error.Detail);
            }

            w.WriteStartArray("gpus");
            foreach (var gpu in outcome.Gpus)
            {
                w.WriteStartObject();
                w.WriteNumber("index", gpu.Index);
                w.WriteString("verdict", gpu.Verdict);
                if (gpu.Failure is { } failure)
                {
                    WriteError(w, failure.Code, failure.Detail);
                    w.WriteStartArray("steps");
                    w.WriteStartObject();
                    w.WriteString("name", failure.Step);
                    w.WriteString("status", "fail");
                    w.WriteString("code", failure.Code);
                    w.WriteString("detail", failure.Detail);
                    w.WriteEndObject();
                    w.WriteEndArray();
                }
                else
                {
                    gpu.Appraisal?.WriteJson(w);
                    GpuAttestOutput.WriteClaims(w, gpu.Result!);
                    GpuAttestOutput.WriteSteps(w, gpu.Result!.Steps);
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartObject("setReady");
            w.WriteBoolean("requested", outcome.SetReadyRequested);
            w.WriteBoolean("done", outcome.ReadyDone);
            w.WriteString("reason", outcome.ReadyReason ?? "not requested (--set-ready)");
            w.WriteEndObject();
            w.WriteEndObject();
        }

        output.WriteLine(Encoding.UTF8.GetString(stream.ToArray()));
    }

    public static void WriteText(TextWriter output, GpuLiveOutcome outcome)
    {
        if (outcome.CcState is { } cc)
        {
            var ready = outcome.ReadyBefore switch { true => "yes", false => "no", null => "?" };
            output.WriteLine($"NVML: CC mode {cc.ModeText}, environment {cc.EnvironmentText}, GPUs accepting work: {ready}");
        }

        output.WriteLine($"nonce: {Convert.ToHexStringLower(outcome.Nonce)}");
        if (outcome.Error is { } error)
        {
            output.WriteLine($"fail  {error.Code}: {error.Detail}");
        }

        foreach (var gpu in outcome.Gpus)
        {
            output.WriteLine();
            output.WriteLine($"gpu[{gpu.Index}]: {gpu.Verdict}");
            if (gpu.Failure is { } failure)
            {
                output.WriteLine($"  fail  {failure.Step}: {failure.Detail} ({failure.Code})");
                continue;
            }

            var result = gpu.Result!;
            foreach (var s in result.Steps)
            {
                output.WriteLine($"  {VerificationStep.StatusText(s.Status),-4}  {s.Name}: {s.Detail}");
            }

            var opaque = result.Report.OpaqueData;
            var counts = result.Measurements.GroupBy(m => m.Status).ToDictionary(g => g.Key, g => g.Count());
            output.WriteLine($"  driver {opaque.DriverVersion ?? "?"}, VBIOS {opaque.VbiosVersion ?? "?"}, SKU {opaque.SkuTriple ?? "?"}; "
                + $"measurements {counts.GetValueOrDefault(MeasurementStatus.Match)} match, {counts.GetValueOrDefault(MeasurementStatus.Mismatch)} mismatch, "
                + $"{counts.GetValueOrDefault(MeasurementStatus.NoReference)} no-reference; revocation {result.Revocation.StatusText}");
            if (gpu.Appraisal is { } appraisal)
            {
                using var indented = new StringWriter();
                appraisal.WriteText(indented);
                foreach (var line in indented.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries))
                {
                    output.WriteLine("  " + line);
                }
            }
        }

        output.WriteLine();
        output.WriteLine(outcome.SetReadyRequested ? $"ready state: {outcome.ReadyReason}" : "ready state: not requested (--set-ready)");
        output.WriteLine($"verdict: {outcome.Verdict}");
    }

    private static void WriteError(Utf8JsonWriter w, string code, string detail)
    {
        w.WriteStartObject("error");
        w.WriteString("code", code);
        w.WriteString("detail", detail);
        w.WriteEndObject();
    }
}
