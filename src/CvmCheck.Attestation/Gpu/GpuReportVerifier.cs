using System.Security.Cryptography;
using CvmCheck.Attestation.Rim;
using CvmCheck.Formats.Spdm;
using Org.BouncyCastle.X509;

namespace CvmCheck.Attestation.Gpu;

/// <summary>
/// Verifies GPU attestation reports from one device, given its certificate chain (leaf first, as the
/// GPU returns it). The chain is validated once per check time and the leaf key imported once, so
/// verifying many reports costs one ECDSA P-384 verification each.
/// Steps, in order: report.signature, certs.chain, certs.fwid, report.nonce, certs.revocation,
/// rim.* for each RIM, measurements.
/// </summary>
public sealed class GpuReportVerifier : IDisposable
{
    private readonly IReadOnlyList<X509Certificate> _chain;
    private readonly X509Certificate _root;
    private readonly ECDsa? _leafKey;
    private readonly IReadOnlyList<byte[]> _leafFwids;
    private (DateTimeOffset At, ChainValidationResult Result)? _chainCache;

    public GpuReportVerifier(IReadOnlyList<X509Certificate> chain, X509Certificate? pinnedRoot = null)
    {
        if (chain.Count == 0)
        {
            throw new ArgumentException("the certificate chain is empty", nameof(chain));
        }

        _chain = chain;
        _root = pinnedRoot ?? NvidiaRoots.DeviceIdentityCa;
        try
        {
            _leafKey = EcdsaVerifier.ImportKey(chain[0]);
        }
        catch (CryptographicException)
        {
            _leafKey = null;
        }

        _leafFwids = FwidExtension.Read(chain[0]);
    }

    public X509Certificate Leaf => _chain[0];

    /// <summary>ECDSA P-384 over SHA-384 of request ‖ response up to the signature (DSP0274 §10.11, signature over L1/L2), with the leaf key.</summary>
    public bool VerifySignature(SpdmMeasurementReport report) =>
        _leafKey is not null && EcdsaVerifier.VerifyData(_leafKey, report.SignedBytes.Span, report.Signature.Span, HashAlgorithmName.SHA384);

    public ChainValidationResult ValidateChain(DateTimeOffset at)
    {
        if (_chainCache is { } cached && cached.At == at)
        {
            return cached.Result;
        }

        var result = ChainValidator.Validate(_chain, _root, at);
        _chainCache = (at, result);
        return result;
    }

    public GpuAttestationResult Verify(SpdmMeasurementReport report, GpuVerificationOptions options)
    {
        var steps = new List<VerificationStep>();

        var signatureValid = VerifySignature(report);
        steps.Add(signatureValid
            ? new("report.signature", StepStatus.Pass, GpuIssueCode.None, $"ECDSA P-384 signature verifies with the key of '{Leaf.SubjectDN}'")
            : new("report.signature", StepStatus.Fail, GpuIssueCode.SignatureInvalid, $"signature does not verify with the key of '{Leaf.SubjectDN}' (report altered, or another device's chain)"));

        var chain = ValidateChain(options.At);
        steps.Add(chain.IsValid
            ? new("certs.chain", StepStatus.Pass, GpuIssueCode.None, $"{chain.Path.Count} certificates up to the pinned '{_root.SubjectDN}'" + Notes(chain.Notes))
            : new("certs.chain", StepStatus.Fail, GpuIssueCode.ChainInvalid, string.Join("; ", chain.Errors)));

        bool? fwidMatches = null;
        if (report.OpaqueData.Fwid is { } fwid)
        {
            fwidMatches = _leafFwids.Any(f => f.AsSpan().SequenceEqual(fwid.Span));
            steps.Add(fwidMatches.Value
                ? new("certs.fwid", StepStatus.Pass, GpuIssueCode.None, $"report FWID {Convert.ToHexStringLower(fwid.Span)} equals the leaf's TcbInfo FWID")
                : new("certs.fwid", StepStatus.Fail, GpuIssueCode.FwidMismatch, _leafFwids.Count == 0
                    ? "the leaf certificate carries no TcbInfo FWID to bind the report's FWID to"
                    : $"report FWID {Convert.ToHexStringLower(fwid.Span)} differs from the leaf's {Convert.ToHexStringLower(_leafFwids[0])}"));
        }
        else
        {
            steps.Add(new("certs.fwid", StepStatus.Skip, GpuIssueCode.FwidAbsent, "the report has no FWID opaque field (older firmware): report-to-certificate firmware binding not checked"));
        }

        bool? nonceMatches = null;
        if (options.ExpectedNonce is { } expected)
        {
            nonceMatches = CryptographicOperations.FixedTimeEquals(expected, report.RequestNonce.Span);
            steps.Add(nonceMatches.Value
                ? new("report.nonce", StepStatus.Pass, GpuIssueCode.None, "request nonce equals --nonce")
                : new("report.nonce", StepStatus.Fail, GpuIssueCode.NonceMismatch, $"request nonce {Convert.ToHexStringLower(report.RequestNonce.Span)} differs from --nonce {Convert.ToHexStringLower(expected)}"));
        }
        else
        {
            steps.Add(new("report.nonce", StepStatus.Warn, GpuIssueCode.NonceNotChecked, "no --nonce given: freshness not established (the report could be replayed)"));
        }

        var revocation = OcspChecker.Check(chain.Path, options.OcspDirectory, options.At);
        steps.Add(revocation.Status switch
        {
            RevocationStatus.Good => new("certs.revocation", StepStatus.Pass, GpuIssueCode.None, string.Join("; ", revocation.Details)),
            RevocationStatus.Unknown => new("certs.revocation", StepStatus.Skip, GpuIssueCode.RevocationUnknown, "revocation unknown: " + string.Join("; ", revocation.Details)),
            RevocationStatus.Revoked => new("certs.revocation", StepStatus.Fail, GpuIssueCode.CertificateRevoked, string.Join("; ", revocation.Details)),
            _ => new("certs.revocation", StepStatus.Fail, GpuIssueCode.OcspResponseInvalid, string.Join("; ", revocation.Details)),
        });

        var rims = new List<RimVerification>();
        foreach (var input in options.Rims)
        {
            var rim = RimVerifier.Verify(input.File, input.Xml, options.At);
            rims.Add(rim);
            AddRimSteps(steps, rim, report);
        }

        var trusted = rims.Where(r => r.IsValid).Select(r => (r.File, r.Manifest!)).ToList();
        var measurements = MeasurementMatcher.Match(report, trusted);
        var mismatched = measurements.Where(m => m.Status == MeasurementStatus.Mismatch).Select(m => m.Index).ToList();
        if (rims.Count == 0)
        {
            steps.Add(new("measurements", StepStatus.Skip, GpuIssueCode.MeasurementsNotChecked, "no RIMs given (--rims DIR): every measurement is no-reference"));
        }
        else if (mismatched.Count > 0)
        {
            steps.Add(new("measurements", StepStatus.Fail, GpuIssueCode.MeasurementMismatch, $"{mismatched.Count} measurement(s) differ from the RIM references at RIM index {string.Join(",", mismatched)}"));
        }
        else
        {
            var matched = measurements.Count(m => m.Status == MeasurementStatus.Match);
            var untrusted = rims.Count - trusted.Count;
            steps.Add(new("measurements", StepStatus.Pass, GpuIssueCode.None,
                $"{matched} measurement(s) match, {measurements.Count - matched} without a reference" + (untrusted > 0 ? $" ({untrusted} RIM(s) not trusted, their references not used)" : string.Empty)));
        }

        return new GpuAttestationResult
        {
            Report = report,
            Steps = steps,
            SignatureValid = signatureValid,
            ChainValid = chain.IsValid,
            FwidMatches = fwidMatches,
            NonceMatches = nonceMatches,
            Revocation = revocation,
            Measurements = measurements,
            Rims = rims,
            ChainErrors = chain.Errors,
        };
    }

    private static void AddRimSteps(List<VerificationStep> steps, RimVerification rim, SpdmMeasurementReport report)
    {
        var f = rim.File;
        if (rim.Malformed)
        {
            steps.Add(new("rim.parse", StepStatus.Fail, GpuIssueCode.RimMalformed, $"{f}: {string.Join("; ", rim.Errors)}"));
            return;
        }

        steps.Add(rim.DigestValid
            ? new("rim.digest", StepStatus.Pass, GpuIssueCode.None, $"{f}: reference digest over the canonicalised document verifies")
            : new("rim.digest", StepStatus.Fail, GpuIssueCode.RimDigestInvalid, $"{f}: reference digest mismatch: the RIM was changed after signing"));
        steps.Add(rim.SignatureValid
            ? new("rim.signature", StepStatus.Pass, GpuIssueCode.None, $"{f}: ECDSA signature over SignedInfo verifies")
            : new("rim.signature", StepStatus.Fail, GpuIssueCode.RimSignatureInvalid, $"{f}: signature over SignedInfo does not verify"));
        var chainErrors = rim.Errors.Where(e => e.StartsWith("signing chain", StringComparison.Ordinal)).ToList();
        steps.Add(rim.ChainValid
            ? new("rim.chain", StepStatus.Pass, GpuIssueCode.None, $"{f}: signing chain ends at the pinned NVIDIA CoRIM signing Root CA")
            : new("rim.chain", StepStatus.Fail, GpuIssueCode.RimChainInvalid, $"{f}: {string.Join("; ", chainErrors)}"));
        if (rim.ChainValid)
        {
            steps.Add(rim.TimeValid
                ? new("rim.validity", StepStatus.Pass, GpuIssueCode.None, $"{f}: signing certificates valid at the check time")
                : new("rim.validity", StepStatus.Fail, GpuIssueCode.RimExpired, $"{f}: {string.Join("; ", chainErrors)}"));
        }

        var manifest = rim.Manifest!;
        var reportVersion = manifest.Kind == RimKind.Vbios ? report.OpaqueData.VbiosVersion : report.OpaqueData.DriverVersion;
        var versionMatches = reportVersion is not null && string.Equals(reportVersion, manifest.ColloquialVersion, StringComparison.OrdinalIgnoreCase);
        var kind = manifest.Kind == RimKind.Vbios ? "VBIOS" : "driver";
        steps.Add(versionMatches
            ? new("rim.version", StepStatus.Pass, GpuIssueCode.None, $"{f}: {kind} RIM for {manifest.ColloquialVersion}, as the report")
            : new("rim.version", StepStatus.Fail, GpuIssueCode.RimVersionMismatch, $"{f}: {kind} RIM is for {manifest.ColloquialVersion} but the report's {kind} is {reportVersion ?? "absent"}"));
    }

    private static string Notes(IReadOnlyList<string> notes) => notes.Count == 0 ? string.Empty : " (" + string.Join("; ", notes) + ")";

    public void Dispose() => _leafKey?.Dispose();
}
