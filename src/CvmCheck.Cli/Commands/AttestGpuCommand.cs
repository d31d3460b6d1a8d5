using System.CommandLine;
using CvmCheck.Attestation.Gpu;
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

        var command = new Command("gpu", "Verify an NVIDIA GPU SPDM attestation report") { report, certs, rims, ocsp, nonce, at, format };
        command.SetAction(parse => Run(
            context,
            new GpuAttestRequest(parse.GetValue(report)!, parse.GetValue(certs), parse.GetValue(rims), parse.GetValue(ocsp), parse.GetValue(nonce), parse.GetValue(at), parse.GetValue(format) ?? "text"),
            TimeProvider.System));
        return command;
    }

    internal static int Run(CliContext context, GpuAttestRequest request, TimeProvider clock)
    {
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
        if (request.Format == "json")
        {
            GpuAttestOutput.WriteJson(context.Out, result);
        }
        else
        {
            GpuAttestOutput.WriteText(context.Out, result);
        }

        return result.Verdict == StepStatus.Fail ? ExitCodes.Failed : ExitCodes.Ok;
    }
}

/// <summary>The parsed options of <c>attest gpu</c>.</summary>
internal sealed record GpuAttestRequest(string Report, string? Certs, string? Rims, string? Ocsp, string? Nonce, string? At, string Format);
