using CvmCheck.Attestation.Rim;
using CvmCheck.Formats.Spdm;

namespace CvmCheck.Attestation.Gpu;

/// <summary>The appraisal of one GPU report: claims, every step with its status and code, and the verdict.</summary>
public sealed class GpuAttestationResult
{
    public required SpdmMeasurementReport Report { get; init; }

    public required IReadOnlyList<VerificationStep> Steps { get; init; }

    public required bool SignatureValid { get; init; }

    public required bool ChainValid { get; init; }

    /// <summary>Null when the report carries no FWID (older drivers), so there is nothing to bind.</summary>
    public required bool? FwidMatches { get; init; }

    /// <summary>Null when no expected nonce was given.</summary>
    public required bool? NonceMatches { get; init; }

    public required RevocationResult Revocation { get; init; }

    public required IReadOnlyList<MeasurementResult> Measurements { get; init; }

    public required IReadOnlyList<RimVerification> Rims { get; init; }

    public required IReadOnlyList<string> ChainErrors { get; init; }

    /// <summary>The worst step status: Fail, Warn, or Pass (Skip counts as a pass with a note).</summary>
    public StepStatus Verdict
    {
        get
        {
            if (Steps.Count == 0)
            {
                return StepStatus.Fail;
            }

            var worst = Steps.Min(s => s.Status);
            return worst == StepStatus.Skip ? StepStatus.Pass : worst;
        }
    }

    public string VerdictText => Verdict switch
    {
        StepStatus.Fail => "fail",
        StepStatus.Warn => "warn",
        _ => "pass",
    };

    public int MismatchCount => Measurements.Count(m => m.Status == MeasurementStatus.Mismatch);

    /// <summary>
    /// Whether the GPU may be set ready (NVML ready state): only when everything was verified — genuine
    /// fresh report, chain, FWID binding (when the report has one), valid driver and VBIOS RIMs with no
    /// mismatch, and revocation established as good. Anything unknown keeps it false.
    /// </summary>
    public bool SetReady =>
        Verdict != StepStatus.Fail && SignatureValid && ChainValid && FwidMatches != false && NonceMatches == true
        && Rims.Count > 0 && Rims.All(r => r.IsValid) && MismatchCount == 0
        && Rims.Any(r => r.Manifest!.Kind == RimKind.Driver) && Rims.Any(r => r.Manifest!.Kind == RimKind.Vbios)
        && Revocation.Status == RevocationStatus.Good;

    /// <summary>Facts for the policy engine (DESIGN.md §1b), values bool/long/string/null.</summary>
    public IReadOnlyList<KeyValuePair<string, object?>> ToFacts(int gpuIndex)
    {
        var p = $"gpu[{gpuIndex}].attestation.";
        return
        [
            new(p + "verified", Verdict != StepStatus.Fail),
            new(p + "signature_valid", SignatureValid),
            new(p + "chain_valid", ChainValid),
            new(p + "fwid_matches", FwidMatches),
            new(p + "nonce_matches", NonceMatches),
            new(p + "driver_version", Report.OpaqueData.DriverVersion),
            new(p + "vbios_version", Report.OpaqueData.VbiosVersion),
            new(p + "measurements_mismatched", (long)MismatchCount),
            new(p + "revocation", Revocation.StatusText),
            new(p + "set_ready", SetReady),
        ];
    }
}
