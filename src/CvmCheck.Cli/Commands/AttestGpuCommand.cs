using System.CommandLine;
using CvmCheck.Attestation.Gpu;
using CvmCheck.Cli.Attest;
using CvmCheck.Cli.Attest.Gpu;

namespace CvmCheck.Cli.Commands;

/// <summary>
/// <c>attest gpu --report FILE --certs PEM [--rims DIR] [--ocsp DIR] [--nonce HEX] [--at TIME] [--format text|json]</c>:
/// offline appraisal of an NVIDIA GPU SPDM attestation report; <c>attest gpu --live [--nonce HEX] [--set-ready] …</c>:
/// fresh reports from every GPU through NVML (docs/attestation-gpu.md).
/// Exit 0 pass/warn, 1 verification failed (or NVML unusable, or a requested ready state not set), 2 bad usage or malformed input.
/// </summary>
internal static class AttestGpuCommand
{
    public static Command Create(CliContext context)
    {
        var report = new Option<string>("--report") { Description = "SPDM GET_MEASUREMENTS request+response: hex text, raw bytes, or NVIDIA serialized evidence JSON" };
        var live = new Option<bool>("--live") { Description = "Ask every GPU for a fresh report through NVML (libnvidia-ml.so.1) instead of reading --report" };
        var setReady = new Option<bool>("--set-ready") { Description = "With --live: set the GPUs' confidential-computing ready state, only if every GPU verified (verdict pass)" };
        var certs = new Option<string>("--certs") { Description = "The GPU's certificate chain, PEM, leaf first (any root it includes is discarded)" };
        var rims = new Option<string>("--rims") { Description = "Directory of RIMs (*.xml, *.swidtag; searched recursively); each must verify" };
        var ocsp = new Option<string>("--ocsp") { Description = "Directory of stored DER OCSP responses named <serial-hex>.der" };
        var nonce = new Option<string>("--nonce") { Description = "The 32-byte nonce sent in GET_MEASUREMENTS, hex (with --live: the nonce to send; default 32 random bytes)" };
        var at = new Option<string>("--at") { Description = "Check time (ISO 8601); default now" };
        var format = new Option<string>("--format") { Description = "text or json", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var policy = new Option<string>("--policy") { Description = "Appraisal policy (YAML, kind Policy) over the claims as gpu[0].attestation.* facts; replaces the default appraisal of a genuine report" };

        var command = new Command("gpu", "Verify an NVIDIA GPU SPDM attestation report") { report, certs, live, setReady, rims, ocsp, nonce, at, format, policy };
        command.SetAction(parse =>
        {
            var reportPath = parse.GetValue(report);
            if (parse.GetValue(live))
            {
                if (reportPath is not null || parse.GetValue(certs) is not null)
                {
                    throw new UserInputException("--live reads each GPU's report and certificates through NVML; it takes no --report or --certs");
                }

                return GpuLiveRunner.Live().Run(
                    new GpuLiveRequest(parse.GetValue(nonce), parse.GetValue(setReady), parse.GetValue(rims), parse.GetValue(ocsp), parse.GetValue(at), parse.GetValue(format) ?? "text", parse.GetValue(policy)),
                    context.Out);
            }

            if (parse.GetValue(setReady))
            {
                throw new UserInputException("--set-ready needs --live: the ready state is set only for GPUs attested through NVML in the same run");
            }

            if (reportPath is null)
            {
                throw new UserInputException("give --report FILE (offline evidence) or --live (fresh evidence through NVML)");
            }

            return Run(
                context,
                new GpuAttestRequest(reportPath, parse.GetValue(certs), parse.GetValue(rims), parse.GetValue(ocsp), parse.GetValue(nonce), parse.GetValue(at), parse.GetValue(format) ?? "text", parse.GetValue(policy)),
                TimeProvider.System);
        });
        return command;
    }

    internal static int Run(CliContext context, GpuAttestRequest request, TimeProvider clock)
    {
        var policies = PolicyAppraisal.Load(request.Policy);
        var (spdm, embeddedChain) = GpuAttestInputs.ReadReport(request.Report);
        var chain = request.Certs is not null
            ? GpuAttestInputs.ReadChain(request.Certs)
            : embeddedChain ?? throw new UserInputException("--certs PEM is required (the report file carries no certificate chain)");
        var options = new GpuVerificationOptions
        {
            At = GpuAttestInputs.ParseTime(request.At, clock),
            ExpectedNonce = request.Nonce is null ? null : GpuAttestInputs.ParseNonce(request.Nonce),
            Rims = request.Rims is null ? [] : GpuAttestInputs.ReadRims(request.Rims),
            OcspDirectory = request.Ocsp is null ? null : GpuAttestInputs.CheckOcspDirectory(request.Ocsp),
        };

        using var verifier = new GpuReportVerifier(chain);
        var result = verifier.Verify(spdm, options);

        // With --policy, the policy judges a genuine report's claims (versions, measurements, revocation);
        // a report whose signature, chain, FWID or nonce fails still fails.
        var appraisal = policies is null ? null
            : PolicyAppraisal.Evaluate(policies, [new("gpu.count", 1L), .. result.ToFacts(0)], request.Report);
        var genuine = result.SignatureValid && result.ChainValid && result.FwidMatches != false && result.NonceMatches != false;
        var verdict = appraisal?.CombinedVerdict(genuine) ?? result.VerdictText;
        if (request.Format == "json")
        {
            GpuAttestOutput.WriteJson(context.Out, result, verdict, appraisal);
        }
        else
        {
            GpuAttestOutput.WriteText(context.Out, result, verdict);
            appraisal?.WriteText(context.Out);
        }

        return verdict == "fail" ? ExitCodes.Failed : ExitCodes.Ok;
    }
}

/// <summary>The parsed options of <c>attest gpu</c>.</summary>
internal sealed record GpuAttestRequest(string Report, string? Certs, string? Rims, string? Ocsp, string? Nonce, string? At, string Format, string? Policy = null);
