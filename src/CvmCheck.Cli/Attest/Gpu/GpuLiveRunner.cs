using System.Security.Cryptography;
using CvmCheck.Attestation.Gpu;
using CvmCheck.Attestation.Gpu.Nvml;
using CvmCheck.Core.Rules;
using CvmCheck.Formats.Spdm;
using RulePolicy = CvmCheck.Core.Rules.Policy;

namespace CvmCheck.Cli.Attest.Gpu;

/// <summary>The options of <c>attest gpu --live</c>.</summary>
internal sealed record GpuLiveRequest(string? Nonce, bool SetReady, string? Rims, string? Ocsp, string? At, string Format, string? Policy);

/// <summary>
/// <c>attest gpu --live</c>: asks every GPU for a fresh SPDM report over NVML with one nonce, verifies
/// each with <see cref="GpuReportVerifier"/>, and — only with <c>--set-ready</c>, only when every GPU's
/// verdict is <c>pass</c> — sets the system-wide confidential-computing ready state so the GPUs accept work.
/// Exit 0 when every GPU passes or warns (and a requested ready state was set), 1 otherwise, including a
/// host without NVML (a fact that could not be established fails closed), 2 for bad options.
/// </summary>
internal sealed class GpuLiveRunner(Func<INvml> openNvml, TimeProvider clock, Func<byte[]> newNonce)
{
    public static GpuLiveRunner Live() =>
        new(NvmlLibrary.Open, TimeProvider.System, () => RandomNumberGenerator.GetBytes(SpdmLayout.NonceLength));

    public int Run(GpuLiveRequest request, TextWriter stdout)
    {
        // Every option is checked before NVML is touched, so bad usage is exit 2 with no side effect.
        var policies = PolicyAppraisal.Load(request.Policy);
        var nonce = request.Nonce is null ? newNonce() : GpuAttestInputs.ParseNonce(request.Nonce);
        var options = new GpuVerificationOptions
        {
            At = GpuAttestInputs.ParseTime(request.At, clock),
            ExpectedNonce = nonce,
            Rims = request.Rims is null ? [] : GpuAttestInputs.ReadRims(request.Rims),
            OcspDirectory = request.Ocsp is null ? null : GpuAttestInputs.CheckOcspDirectory(request.Ocsp),
        };

        var outcome = Attest(nonce, options, policies, request.SetReady);
        if (request.Format == "json")
        {
            GpuLiveOutput.WriteJson(stdout, outcome);
        }
        else
        {
            GpuLiveOutput.WriteText(stdout, outcome);
        }

        return outcome.ExitCode;
    }

    internal GpuLiveOutcome Attest(byte[] nonce, GpuVerificationOptions options, IReadOnlyList<RulePolicy>? policies, bool setReady)
    {
        var outcome = new GpuLiveOutcome { Nonce = nonce, SetReadyRequested = setReady };
        INvml nvml;
        try
        {
            nvml = openNvml();
        }
        catch (NvmlUnavailableException e)
        {
            return outcome.Failed(e.Code, e.Message);
        }

        using (nvml)
        {
            try
            {
                outcome.CcState = nvml.GetConfComputeState();
                if (!outcome.CcState.CcEnabled)
                {
                    return outcome.Failed("CcModeOff", "confidential computing is off on this system (nvmlSystemGetConfComputeState: ccFeature disabled), so the GPUs give no attestation report; enable CC mode on the host and restart the CVM");
                }

                outcome.ReadyBefore = ReadyState(nvml);

                var count = nvml.GetDeviceCount();
                if (count == 0)
                {
                    return outcome.Failed("NoGpus", "NVML sees no GPU (nvmlDeviceGetCount_v2 = 0): check the GPU passthrough into this CVM");
                }

                for (var i = 0; i < count; i++)
                {
                    outcome.Gpus.Add(AttestOne(nvml, i, count, nonce, options, policies, outcome.CcState));
                }
            }
            catch (NvmlUnavailableException e)
            {
                return outcome.Failed(e.Code, e.Message);
            }
            catch (NvmlException e)
            {
                return outcome.Failed("NvmlCallFailed", e.Message);
            }

            if (setReady)
            {
                DecideReady(nvml, outcome);
            }
        }

        return outcome;
    }

    /// <summary>Only informative (<c>cc.readyBefore</c>): a driver that cannot say is no reason to stop attesting.</summary>
    private static bool? ReadyState(INvml nvml)
    {
        try
        {
            return nvml.GetGpusReadyState();
        }
        catch (NvmlException)
        {
            return null;
        }
    }

    private static GpuLiveGpu AttestOne(INvml nvml, int index, int count, byte[] nonce, GpuVerificationOptions options, IReadOnlyList<RulePolicy>? policies, NvmlConfComputeState cc)
    {
        NvmlAttestationReport evidence;
        NvmlGpuCertificate certificate;
        try
        {
            evidence = nvml.GetAttestationReport(index, nonce);
            certificate = nvml.GetCertificate(index);
        }
        catch (NvmlException e)
        {
            return GpuLiveGpu.Failed(index, "nvml.evidence", "NvmlCallFailed", e.Message);
        }

        // Evidence from the device that does not decode is a failed attestation of that GPU (exit 1),
        // not bad user input (exit 2): nobody typed it.
        if (!SpdmMeasurementReport.TryParse(evidence.Report, out var report, out var failure))
        {
            return GpuLiveGpu.Failed(index, "report.parse", "ReportMalformed", $"the {evidence.Report.Length}-byte report NVML returned does not parse: {failure}");
        }

        IReadOnlyList<Org.BouncyCastle.X509.X509Certificate> chain;
        try
        {
            chain = NvmlCertificateChain.Parse(certificate.AttestationCertChain);
        }
        catch (FormatException e)
        {
            return GpuLiveGpu.Failed(index, "certs.parse", "ChainMalformed", e.Message);
        }

        using var verifier = new GpuReportVerifier(chain);
        var result = verifier.Verify(report, options);
        var genuine = result.SignatureValid && result.ChainValid && result.FwidMatches != false && result.NonceMatches == true;
        PolicyAppraisal? appraisal = null;
        if (policies is not null)
        {
            // Each GPU is judged on its own facts, with the system's GPU count and CC state beside them.
            appraisal = PolicyAppraisal.Evaluate(
                policies,
                [
                    new("gpu.count", (long)count),
                    new($"gpu[{index}].cc.mode", cc.ModeText),
                    new($"gpu[{index}].cc.environment", cc.EnvironmentText),
                    .. result.ToFacts(index),
                ],
                $"nvml:gpu[{index}]");
        }

        var verdict = appraisal?.CombinedVerdict(genuine) ?? result.VerdictText;
        return new GpuLiveGpu(index, verdict, result, appraisal, null);
    }

    /// <summary>
    /// The ready state is system-wide, so it is set only when every GPU passed; anything else (a fail, a
    /// warn, a GPU whose evidence could not be read) refuses, naming each GPU and why.
    /// </summary>
    private static void DecideReady(INvml nvml, GpuLiveOutcome outcome)
    {
        var notPassing = outcome.Gpus.Where(g => g.Verdict != "pass").ToList();
        if (notPassing.Count > 0)
        {
            outcome.ReadyReason = "not set: " + string.Join("; ", notPassing.Select(g => $"gpu[{g.Index}] {g.Verdict} ({g.Why})"));
            return;
        }

        try
        {
            nvml.SetGpusReadyState(true);
            outcome.ReadyDone = true;
            outcome.ReadyReason = $"set: all {outcome.Gpus.Count} GPU(s) verified with this run's nonce";
        }
        catch (NvmlException e)
        {
            outcome.ReadyReason = "not set: " + e.Message;
        }
    }
}

/// <summary>What one <c>--live</c> run found: the system's CC state, each GPU's appraisal, and the ready-state decision.</summary>
internal sealed class GpuLiveOutcome
{
    public required byte[] Nonce { get; init; }

    public required bool SetReadyRequested { get; init; }

    public NvmlConfComputeState? CcState { get; set; }

    public bool? ReadyBefore { get; set; }

    public List<GpuLiveGpu> Gpus { get; } = [];

    /// <summary>A failure before any GPU could be judged: <c>NvmlNotFound</c>, <c>NvmlInitFailed</c>, <c>CcModeOff</c>, <c>NoGpus</c>, …</summary>
    public (string Code, string Detail)? Error { get; private set; }

    public bool ReadyDone { get; set; }

    public string? ReadyReason { get; set; }

    public string Verdict =>
        Error is not null || Gpus.Count == 0 || Gpus.Any(g => g.Verdict == "fail") ? "fail"
        : Gpus.Any(g => g.Verdict == "warn") ? "warn"
        : "pass";

    /// <summary>1 when the verdict fails, or a requested ready state was not set (the GPUs stay closed to work).</summary>
    public int ExitCode => Verdict == "fail" || (SetReadyRequested && !ReadyDone) ? ExitCodes.Failed : ExitCodes.Ok;

    public GpuLiveOutcome Failed(string code, string detail)
    {
        Error = (code, detail);
        if (SetReadyRequested)
        {
            ReadyReason = "not set: no GPU was verified (" + code + ")";
        }

        return this;
    }
}

/// <summary>One GPU of a <c>--live</c> run: its verdict and appraisal, or the step at which its evidence could not be had.</summary>
internal sealed record GpuLiveGpu(int Index, string Verdict, GpuAttestationResult? Result, PolicyAppraisal? Appraisal, VerificationFailure? Failure)
{
    public static GpuLiveGpu Failed(int index, string step, string code, string detail) =>
        new(index, "fail", null, null, new VerificationFailure(step, code, detail));

    /// <summary>A short reason for the ready-state refusal: the failing (or warning) steps with their codes.</summary>
    public string Why
    {
        get
        {
            if (Failure is { } f)
            {
                return $"{f.Step}: {f.Code}";
            }

            var steps = Result!.Steps.Where(s => s.Status is StepStatus.Fail or StepStatus.Warn).Select(s => $"{s.Name}: {s.Code}").ToList();
            if (Appraisal is not null)
            {
                steps.AddRange(Appraisal.Findings.Where(f => f.Status is not (FindingStatus.Pass or FindingStatus.Skip or FindingStatus.Waived)).Select(f => $"policy {f.Id}: {f.Status.ToName()}"));
            }

            return steps.Count > 0 ? string.Join(", ", steps) : "verdict " + Verdict;
        }
    }
}

/// <summary>A GPU whose evidence could not be read or decoded: the step, a stable code and the detail.</summary>
internal sealed record VerificationFailure(string Step, string Code, string Detail);
