using System.CommandLine;
using CvmCheck.Attestation.Gpu;
using CvmCheck.Cli.Attest.Gpu;
using CvmCheck.Core.Facts;

namespace CvmCheck.Cli.Attest;

/// <summary>
/// <c>check --gpu-report FILE --gpu-certs PEM … [--gpu-rims DIR] [--gpu-nonce HEX] [--at TIME]</c>: verifies
/// GPU attestation reports offline and adds their claims as <c>gpu[i].attestation.*</c> facts
/// (<c>verified</c>, <c>signature_valid</c>, <c>chain_valid</c>, <c>fwid_matches</c>, <c>nonce_matches</c>, …;
/// docs/attestation-gpu.md) so that <c>check</c> policies can require attestation — the GPU counterpart of
/// <see cref="AttestationFacts"/>. Both options repeat and pair by order: the i-th report, with the i-th
/// chain, is GPU i. Without <c>--gpu-report</c> those facts are absent and rules over them fail closed
/// (or skip, when guarded or optional). A report that does not parse is bad input (exit 2, file and offset).
/// </summary>
internal sealed class GpuAttestationFacts
{
    public Option<string[]> Reports { get; } = new("--gpu-report") { Description = "GPU attestation report to verify (repeatable; the i-th is GPU i); its claims become gpu[i].attestation.* facts", HelpName = "FILE", AllowMultipleArgumentsPerToken = false };

    public Option<string[]> Certs { get; } = new("--gpu-certs") { Description = "Certificate chain (PEM, leaf first) of the --gpu-report in the same position (repeatable)", HelpName = "PEM", AllowMultipleArgumentsPerToken = false };

    public Option<string?> Rims { get; } = new("--gpu-rims") { Description = "RIM directory applied to every --gpu-report", HelpName = "DIR" };

    public Option<string?> Nonce { get; } = new("--gpu-nonce") { Description = "The 32-byte nonce every --gpu-report must answer, hex", HelpName = "HEX" };

    public void AddTo(Command command)
    {
        command.Add(Reports);
        command.Add(Certs);
        command.Add(Rims);
        command.Add(Nonce);
    }

    /// <param name="parse">The parsed <c>check</c> command line.</param>
    /// <param name="at">The shared <c>--at</c> option (also used for <c>--quote</c>).</param>
    public IReadOnlyList<Fact> Collect(ParseResult parse, Option<string?> at)
    {
        var reports = parse.GetValue(Reports) ?? [];
        var certs = parse.GetValue(Certs) ?? [];
        var rimsDir = parse.GetValue(Rims);
        var nonceHex = parse.GetValue(Nonce);
        if (reports.Length == 0)
        {
            if (certs.Length > 0 || rimsDir is not null || nonceHex is not null)
            {
                throw new UserInputException("--gpu-certs, --gpu-rims and --gpu-nonce need --gpu-report FILE");
            }

            return [];
        }

        if (certs.Length != 0 && certs.Length != reports.Length)
        {
            throw new UserInputException($"{reports.Length} --gpu-report but {certs.Length} --gpu-certs: give one chain per report, in the same order (the i-th pair is GPU i)");
        }

        var options = new GpuVerificationOptions
        {
            At = GpuAttestInputs.ParseTime(parse.GetValue(at), TimeProvider.System),
            ExpectedNonce = nonceHex is null ? null : GpuAttestInputs.ParseNonce(nonceHex, "--gpu-nonce"),
            Rims = rimsDir is null ? [] : GpuAttestInputs.ReadRims(rimsDir, "--gpu-rims"),
        };

        var facts = new List<Fact>();
        for (var i = 0; i < reports.Length; i++)
        {
            var path = reports[i];
            var (report, embedded) = GpuAttestInputs.ReadReport(path, "--gpu-report");
            var chain = certs.Length > 0
                ? GpuAttestInputs.ReadChain(certs[i], "--gpu-certs")
                : embedded ?? throw new UserInputException($"--gpu-report {path}: the file carries no certificate chain; give --gpu-certs PEM for each report");
            using var verifier = new GpuReportVerifier(chain);
            var result = verifier.Verify(report, options);
            facts.AddRange(result.ToFacts(i)
                .Select(kv => kv.Value is null ? Fact.Unavailable(kv.Key, FactReasons.Absent, path) : Fact.Of(kv.Key, kv.Value, path)));
        }

        return facts;
    }
}
