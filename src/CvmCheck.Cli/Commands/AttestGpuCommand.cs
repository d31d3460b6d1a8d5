using System.CommandLine;
using CvmCheck.Attestation.Gpu;
using CvmCheck.Cli.Attest;
using CvmCheck.Cli.Attest.Gpu;

namespace CvmCheck.Cli.Commands;

/// <summary>
/// <c>attest gpu --report FILE --certs PEM [--rims DIR] [--ocsp DIR] [--nonce HEX] [--at TIME] [--format text|json]</c>:
/// offline appraisal of an NVIDIA GPU SPDM attestation report (docs/attestation-gpu.md).
/// Exit 0 pass/warn, 1 verification failed, 2 bad usage or malformed input.
/// </summary>
internal static class AttestGpuCommand
{
    public static Command Create(CliContext context)
    {
        var report = new Option<string>("--report") { Description = "SPDM GET_MEASUREMENTS request+response: hex text, raw bytes, or NVIDIA serialized evidence JSON", Required = true };
        var certs = new Option<string>("--certs") { Description = "The GPU's certificate chain, PEM, leaf first (any root it includes is discarded)" };
        var rims = new Option<string>("--rims") { Description = "Directory of RIMs (*.xml, *.swidtag; searched recursively); each must verify" };
        var ocsp = new Option<string>("--ocsp") { Description = "Directory of stored DER OCSP responses named <serial-hex>.der" };
        var nonce = new Option<string>("--nonce") { Description = "The 32-byte nonce sent in GET_MEASUREMENTS, hex" };
        var at = new Option<string>("--at") { Description = "Check time (ISO 8601); default now" };
        var format = new Option<string>("--format") { Description = "text or json", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var policy = new Option<string>("--policy") { Description = "Appraisal policy (YAML, kind Policy) over the claims as gpu[0].attestation.* facts; replaces the default appraisal of a genuine report" };

        var command = new Command("gpu", "Verify an NVIDIA GPU SPDM attestation report") { report, certs, rims, ocsp, nonce, at, format, policy };
        command.SetAction(parse => Run(
            context,
            new GpuAttestRequest(parse.GetValue(report)!, parse.GetValue(certs), parse.GetValue(rims), parse.GetValue(ocsp), parse.GetValue(nonce), parse.GetValue(at), parse.GetValue(format) ?? "text", parse.GetValue(policy)),
            TimeProvider.System));
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
