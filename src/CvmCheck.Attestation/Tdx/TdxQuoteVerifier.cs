using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CvmCheck.Attestation.Pki;
using CvmCheck.Formats.Tdx;

namespace CvmCheck.Attestation.Tdx;

/// <summary>
/// Verifies a parsed TDX quote against offline collateral at an injected time (Intel TDX DCAP Quote
/// Verification, "Quote verification steps"). Every step runs and is recorded, even after a failure,
/// so one run reports every problem; the verdict is the default appraisal of DESIGN.md §3. Never
/// throws for bad evidence: problems become coded issues.
/// </summary>
public static class TdxQuoteVerifier
{
    public static TdxVerificationResult Verify(TdxQuote quote, TdxCollateral collateral, TdxVerificationOptions options)
    {
        var at = options.At;
        var root = options.PinnedRoot;
        var steps = new List<TdxStep>();
        var malformed = false;

        // Collateral presence and the root it names.
        {
            var issues = new List<TdxIssue>();
            foreach (var empty in collateral.EmptyFiles)
            {
                issues.Add(new(TdxIssueCode.CollateralEmpty, $"{Path.Combine(collateral.Origin, empty)} is empty"));
            }

            if (collateral.TcbInfo is { TcbLevels.Count: 0 })
            {
                issues.Add(new(TdxIssueCode.CollateralEmpty, $"{Path.Combine(collateral.Origin, TdxCollateral.TcbInfoFile)} has no TCB levels"));
            }

            if (collateral.SuppliedRootCa is { } supplied && !supplied.RawDataMemory.Span.SequenceEqual(root.RawDataMemory.Span))
            {
                issues.Add(new(TdxIssueCode.RootCaMismatch, $"{Path.Combine(collateral.Origin, TdxCollateral.RootCaFile)} is '{supplied.Subject}' (SHA-256 {supplied.GetCertHashString(HashAlgorithmName.SHA256)}), not the pinned root"));
            }

            steps.Add(Step(TdxStepNames.Collateral, issues, $"pinned root '{root.Subject}' SHA-256 {CertificateMemo.Sha256Hex(root)}"));
        }

        // Structure (already parsed): note the padding real quotes carry.
        {
            var detail = $"quote v{quote.Version}, TD report body type {quote.BodyType} ({quote.SignedRegion.Length} signed bytes)";
            var issues = new List<TdxIssue>();
            if (quote.TrailingZeroBytes > 0)
            {
                issues.Add(new(TdxIssueCode.TrailingZeroBytes, $"{quote.TrailingZeroBytes} zero bytes after the signature data, ignored"));
            }

            steps.Add(new TdxStep(TdxStepNames.QuoteFormat, StepStatus.Pass, issues.Count == 0 ? detail : $"{detail}; {issues[0].Message}", issues));
        }

        // Quote signature: ECDSA P-256 over header + body with the attestation key (DCAP QL API, "Quote Signature Data").
        steps.Add(VerifyQuoteSignature(quote));

        // PCK chain from the quote's certification data, to the pinned root.
        PckChain? pckChain = null;
        X509Certificate2? pckLeaf = null;
        X509Certificate2? pckIssuer = null;
        PckExtensions? pck = null;
        {
            var issues = new List<TdxIssue>();
            var detail = "";
            try
            {
                pckChain = PckChainCache.Read(quote.PckCertificationData);
                var certs = pckChain.Certificates;
                pckLeaf = pckChain.Leaf;
                var chain = PinnedChainValidator.Validate(pckLeaf, certs.Skip(1), root, at);
                issues.AddRange(chain.Issues.Select(MapChainIssue));
                pckIssuer = chain.Path.Count > 1 ? chain.Path[1] : certs.Skip(1).FirstOrDefault();
                pck = pckChain.ReadExtensions();
                detail = string.Join(" <- ", chain.Path.Select(CertificateMemo.SimpleName));
            }
            catch (PkiFormatException e)
            {
                malformed = true;
                issues.Add(new(TdxIssueCode.PckCertificateMalformed, $"{e.Message} (certification data at quote offset {quote.QeReportOffset + TdxQuoteLayout.QeAuthDataOffset + quote.QeAuthData.Length})"));
            }

            steps.Add(Step(TdxStepNames.PckChain, issues, detail));
        }

        var revocationChecked = false;
        steps.Add(CheckRevocation(pckLeaf, pckIssuer, collateral.PckCrl, collateral.RootCaCrl, root, at, out revocationChecked));

        // QE report signed by the PCK key, and bound to the attestation key (SGX ECDSA QL API, "QE Report Data").
        steps.Add(VerifyQeReport(quote, pckChain));
        steps.Add(VerifyQeBinding(quote));

        // TCB Info and QE Identity: signatures with the TCB Signing chain, validity windows, FMSPC/PCE ID.
        var tcbInfo = collateral.TcbInfo;
        steps.Add(VerifySignedCollateral(TdxStepNames.TcbInfoSignature, tcbInfo is not null, collateral.TcbInfoSignatureOk, collateral.TcbInfoIssuerChain, root, at, TdxIssueCode.TcbInfoSignatureInvalid, TdxCollateral.TcbInfoFile));
        steps.Add(Window(TdxStepNames.TcbInfoValidity, TdxCollateral.TcbInfoFile, tcbInfo?.IssueDate, tcbInfo?.NextUpdate, at));
        steps.Add(CheckFmspc(tcbInfo, pck));

        var qeIdentity = collateral.QeIdentity;
        steps.Add(VerifySignedCollateral(TdxStepNames.QeIdentitySignature, qeIdentity is not null, collateral.QeIdentitySignatureOk, collateral.QeIdentityIssuerChain, root, at, TdxIssueCode.QeIdentitySignatureInvalid, TdxCollateral.QeIdentityFile));
        steps.Add(Window(TdxStepNames.QeIdentityValidity, TdxCollateral.QeIdentityFile, qeIdentity?.IssueDate, qeIdentity?.NextUpdate, at));
        var qeStep = MatchQeIdentity(quote.QeReport, qeIdentity, out var qeStatus, out var qeAdvisories);
        steps.Add(qeStep);

        // TCB status: Intel's matching rules, then the module and QE convergence.
        TcbEvaluation? tcb = null;
        if (tcbInfo is not null && pck is not null)
        {
            tcb = TcbEvaluator.Evaluate(tcbInfo, pck, quote.Body, quote.Version, qeStatus, qeAdvisories);
            steps.Add(Step(TdxStepNames.TdxModule, tcb.ModuleIssues, tcb.ModuleId is null
                ? "no TDX module identity in TCB Info"
                : $"{tcb.ModuleId}{(tcb.ModuleStatus is { } ms ? " " + ms.ToIntelString() : "")}"));
            steps.Add(GradeTcb(tcb));
        }
        else
        {
            steps.Add(new TdxStep(TdxStepNames.TdxModule, StepStatus.Skip, "no TCB Info or PCK certificate", []));
            steps.Add(new TdxStep(TdxStepNames.TcbStatus, StepStatus.Fail, "TCB status could not be determined",
                [new(TdxIssueCode.TcbLevelNotFound, "no TCB Info or PCK certificate to grade the platform with")]));
        }

        // Default appraisal of the TD itself.
        steps.Add(quote.Body.TdAttributes.Debug
            ? new TdxStep(TdxStepNames.TdDebug, StepStatus.Fail, "TDATTRIBUTES.DEBUG is set", [new(TdxIssueCode.DebugTd, "debug TD: the host can read and modify its memory")])
            : new TdxStep(TdxStepNames.TdDebug, StepStatus.Pass, "not a debug TD", []));
        steps.Add(CheckReportData(quote, options.ExpectedReportData));

        return new TdxVerificationResult(quote, steps, tcb, qeStatus, pck?.Fmspc, revocationChecked, malformed);
    }

    internal static TdxStep VerifyQuoteSignature(TdxQuote quote)
    {
        // The import (point validation) is cached by the exact key bytes; the verification runs every time.
        if (!AttestationKeyCache.TryGet(quote.AttestationKey, out var key))
        {
            return Fail(TdxStepNames.QuoteSignature, TdxIssueCode.AttestationKeyInvalid, $"attestation key at offset {quote.SignatureDataOffset + TdxQuoteLayout.AttestationKeyOffset} is not a P-256 point");
        }

        return key!.VerifyData(quote.SignedRegion, quote.Signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation)
            ? Pass(TdxStepNames.QuoteSignature, $"ECDSA P-256 over bytes [0, {quote.SignedRegion.Length}) verifies with the attestation key")
            : Fail(TdxStepNames.QuoteSignature, TdxIssueCode.QuoteSignatureInvalid, $"signature at offset {quote.SignatureDataOffset} does not verify over bytes [0, {quote.SignedRegion.Length}) with the attestation key");
    }

    internal static TdxStep CheckRevocation(X509Certificate2? leaf, X509Certificate2? intermediate, RevocationList? pckCrl, RevocationList? rootCrl, X509Certificate2 root, DateTimeOffset at, out bool isChecked)
    {
        isChecked = false;
        if (leaf is null || intermediate is null)
        {
            return new TdxStep(TdxStepNames.Revocation, StepStatus.Skip, "no PCK chain to check", []);
        }

        if (pckCrl is null || rootCrl is null)
        {
            var missing = string.Join(", ", new[] { pckCrl is null ? TdxCollateral.PckCrlFile : null, rootCrl is null ? TdxCollateral.RootCaCrlFile : null }.OfType<string>());
            return new TdxStep(TdxStepNames.Revocation, StepStatus.Warn, $"unchecked: {missing} not supplied",
                [new(TdxIssueCode.RevocationUnchecked, $"revocation unchecked: {missing} not supplied")]);
        }

        var issues = new List<TdxIssue>();
        foreach (var (crl, issuer) in new[] { (pckCrl, intermediate), (rootCrl, root) })
        {
            issues.AddRange(crl.Validate(issuer, at).Select(i => i.Code switch
            {
                PkiIssueCode.Expired => new TdxIssue(TdxIssueCode.CollateralExpired, i.Message),
                PkiIssueCode.NotYetValid => new TdxIssue(TdxIssueCode.CollateralNotYetValid, i.Message),
                _ => new TdxIssue(TdxIssueCode.CrlInvalid, i.Message),
            }));
        }

        if (pckCrl.IsRevoked(leaf))
        {
            issues.Add(new(TdxIssueCode.PckRevoked, $"PCK certificate serial {Convert.ToHexStringLower(leaf.SerialNumberBytes.Span)} is listed in {pckCrl.Source}"));
        }

        if (rootCrl.IsRevoked(intermediate))
        {
            issues.Add(new(TdxIssueCode.IntermediateRevoked, $"'{intermediate.Subject}' serial {Convert.ToHexStringLower(intermediate.SerialNumberBytes.Span)} is listed in {rootCrl.Source}"));
        }

        isChecked = issues.Count == 0 || issues.All(i => i.Code is TdxIssueCode.PckRevoked or TdxIssueCode.IntermediateRevoked);
        return Step(TdxStepNames.Revocation, issues, $"checked: PCK CRL ({pckCrl.RevokedCount} entries) and Root CA CRL ({rootCrl.RevokedCount} entries)");
    }

    private static TdxStep VerifyQeReport(TdxQuote quote, PckChain? pckChain)
    {
        if (pckChain is null)
        {
            return Fail(TdxStepNames.QeReportSignature, TdxIssueCode.QeReportSignatureInvalid, "no PCK certificate to verify the QE report with");
        }

        // Cached by the exact QE report, signature and PCK public key bytes (a pure function of them).
        var verified = QeReportSignatureCache.GetOrAdd(quote.QeReport.Raw, quote.QeReportSignature, pckChain.LeafSubjectPublicKeyInfo, () =>
        {
            using var key = pckChain.Leaf.GetECDsaPublicKey();
            return key is not null && key.VerifyData(quote.QeReport.Raw, quote.QeReportSignature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        });
        return verified
            ? Pass(TdxStepNames.QeReportSignature, "QE report signed by the PCK key")
            : Fail(TdxStepNames.QeReportSignature, TdxIssueCode.QeReportSignatureInvalid, $"QE report at offset {quote.QeReportOffset} is not signed by the PCK key");
    }

    private static TdxStep VerifyQeBinding(TdxQuote quote)
    {
        Span<byte> expected = stackalloc byte[32];
        using (var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
        {
            sha.AppendData(quote.AttestationKey);
            sha.AppendData(quote.QeAuthData);
            sha.GetHashAndReset(expected);
        }

        var reportData = quote.QeReport.ReportData;
        return reportData.AsSpan(0, 32).SequenceEqual(expected) && !reportData.AsSpan(32).ContainsAnyExcept((byte)0)
            ? Pass(TdxStepNames.QeReportBinding, "QE REPORTDATA = SHA-256(attestation key || QE auth data)")
            : Fail(TdxStepNames.QeReportBinding, TdxIssueCode.QeReportDataMismatch, $"QE REPORTDATA at offset {quote.QeReportOffset + SgxReportBodyLayout.ReportDataOffset} is not SHA-256(attestation key || QE auth data) || zeros");
    }

    private static TdxStep VerifySignedCollateral(string name, bool present, bool signatureOk, IReadOnlyList<X509Certificate2> chain, X509Certificate2 root, DateTimeOffset at, TdxIssueCode badSignature, string file)
    {
        if (!present || chain.Count == 0)
        {
            return Fail(name, TdxIssueCode.CollateralEmpty, $"{file} or its issuer chain is empty");
        }

        var issues = new List<TdxIssue>();
        var result = PinnedChainValidator.Validate(chain[0], chain.Skip(1), root, at);
        issues.AddRange(result.Issues.Select(MapChainIssue));
        if (!signatureOk)
        {
            issues.Add(new(badSignature, $"{file}: signature does not verify with '{chain[0].Subject}'"));
        }

        return Step(name, issues, $"signed by '{CertificateMemo.SimpleName(chain[0])}'");
    }

    private static TdxStep Window(string name, string file, DateTimeOffset? issueDate, DateTimeOffset? nextUpdate, DateTimeOffset at)
    {
        if (issueDate is null || nextUpdate is null)
        {
            return Fail(name, TdxIssueCode.CollateralEmpty, $"{file} is empty");
        }

        if (at < issueDate)
        {
            return Fail(name, TdxIssueCode.CollateralNotYetValid, $"{file}: issueDate {issueDate:yyyy-MM-ddTHH:mm:ssZ} is after {at:yyyy-MM-ddTHH:mm:ssZ}");
        }

        return at > nextUpdate
            ? Fail(name, TdxIssueCode.CollateralExpired, $"{file}: nextUpdate {nextUpdate:yyyy-MM-ddTHH:mm:ssZ} is before {at:yyyy-MM-ddTHH:mm:ssZ}")
            : Pass(name, $"{issueDate:yyyy-MM-ddTHH:mm:ssZ} .. {nextUpdate:yyyy-MM-ddTHH:mm:ssZ}");
    }

    private static TdxStep CheckFmspc(TcbInfo? tcbInfo, PckExtensions? pck)
    {
        if (tcbInfo is null || pck is null)
        {
            return new TdxStep(TdxStepNames.TcbInfoFmspc, StepStatus.Skip, "no TCB Info or PCK certificate", []);
        }

        var issues = new List<TdxIssue>();
        // The TCB Info must be the one for this platform: FMSPC and PCE ID from the PCK certificate (PCS API v4, "Get TCB Info").
        if (!tcbInfo.Fmspc.AsSpan().SequenceEqual(pck.Fmspc))
        {
            issues.Add(new(TdxIssueCode.FmspcMismatch, $"PCK FMSPC {Convert.ToHexStringLower(pck.Fmspc)} is not TCB Info FMSPC {Convert.ToHexStringLower(tcbInfo.Fmspc)}"));
        }

        if (!tcbInfo.PceId.AsSpan().SequenceEqual(pck.PceId))
        {
            issues.Add(new(TdxIssueCode.PceIdMismatch, $"PCK PCE ID {Convert.ToHexStringLower(pck.PceId)} is not TCB Info PCE ID {Convert.ToHexStringLower(tcbInfo.PceId)}"));
        }

        return Step(TdxStepNames.TcbInfoFmspc, issues, $"FMSPC {Convert.ToHexStringLower(pck.Fmspc)}, PCE ID {Convert.ToHexStringLower(pck.PceId)}");
    }

    private static TdxStep MatchQeIdentity(SgxReportBody qe, QeIdentity? identity, out TcbStatus? status, out IReadOnlyList<string> advisories)
    {
        status = null;
        advisories = [];
        if (identity is null)
        {
            return Fail(TdxStepNames.QeIdentityMatch, TdxIssueCode.CollateralEmpty, "no QE Identity");
        }

        var issues = new List<TdxIssue>();
        if (!qe.MrSigner.AsSpan().SequenceEqual(identity.MrSigner))
        {
            issues.Add(new(TdxIssueCode.QeIdentityMismatch, $"QE MRSIGNER {Convert.ToHexStringLower(qe.MrSigner)} is not {Convert.ToHexStringLower(identity.MrSigner)}"));
        }

        if (qe.IsvProdId != identity.IsvProdId)
        {
            issues.Add(new(TdxIssueCode.QeIdentityMismatch, $"QE ISVPRODID {qe.IsvProdId} is not {identity.IsvProdId}"));
        }

        if ((qe.MiscSelect & identity.MiscSelectMask) != identity.MiscSelect)
        {
            issues.Add(new(TdxIssueCode.QeIdentityMismatch, $"QE MISCSELECT {qe.MiscSelect:x8} masked with {identity.MiscSelectMask:x8} is not {identity.MiscSelect:x8}"));
        }

        for (var i = 0; i < identity.Attributes.Length; i++)
        {
            if ((qe.Attributes[i] & identity.AttributesMask[i]) != identity.Attributes[i])
            {
                issues.Add(new(TdxIssueCode.QeIdentityMismatch, $"QE ATTRIBUTES {Convert.ToHexStringLower(qe.Attributes)} masked do not match {Convert.ToHexStringLower(identity.Attributes)}"));
                break;
            }
        }

        // QE TCB level: the first level whose isvsvn the QE meets; none means the QE is older than any graded one.
        var level = identity.TcbLevels.FirstOrDefault(l => l.IsvSvn <= qe.IsvSvn);
        status = level?.Status ?? TcbStatus.OutOfDate;
        advisories = level?.AdvisoryIds ?? [];
        var detail = $"TD QE ISVSVN {qe.IsvSvn}: {status.Value.ToIntelString()}";
        if (issues.Count > 0)
        {
            return Step(TdxStepNames.QeIdentityMatch, issues, detail);
        }

        return status == TcbStatus.UpToDate
            ? Pass(TdxStepNames.QeIdentityMatch, detail)
            : new TdxStep(TdxStepNames.QeIdentityMatch, StepStatus.Warn, detail, [new(TdxIssueCode.QeTcbNotUpToDate, detail)]);
    }

    private static TdxStep GradeTcb(TcbEvaluation tcb)
    {
        var status = tcb.Final;
        var where = tcb.PlatformLevel is { } l ? $" (tcbLevels[{l.Index}] {l.StatusText}, tcbDate {l.TcbDate})" : "";
        var adv = tcb.AdvisoryIds.Count > 0 ? $"; advisories {string.Join(',', tcb.AdvisoryIds)}" : "";
        var detail = $"{status.ToIntelString()}{where}{adv}";
        return status switch
        {
            TcbStatus.UpToDate => Pass(TdxStepNames.TcbStatus, detail),
            TcbStatus.SWHardeningNeeded or TcbStatus.ConfigurationNeeded or TcbStatus.ConfigurationAndSWHardeningNeeded =>
                new TdxStep(TdxStepNames.TcbStatus, StepStatus.Warn, detail, [new(TdxIssueCode.TcbStatusNeedsAttention, detail)]),
            TcbStatus.NoMatchingTcbLevel => Fail(TdxStepNames.TcbStatus, TdxIssueCode.TcbLevelNotFound, $"no TCB level of the TCB Info matches this platform{where}"),
            _ => Fail(TdxStepNames.TcbStatus, TdxIssueCode.TcbStatusRejected, detail),
        };
    }

    private static TdxStep CheckReportData(TdxQuote quote, byte[]? expected)
    {
        if (expected is null)
        {
            return new TdxStep(TdxStepNames.ReportDataNonce, StepStatus.Skip, "no --nonce given", []);
        }

        var offset = quote.SignedRegion.Length - TdReportBodyLayout.ReportDataLength - (quote.Body.TeeTcbSvn2 is null ? 0 : TdReportBodyLayout.Tdx15Length - TdReportBodyLayout.Tdx10Length);
        return quote.Body.ReportData.AsSpan().SequenceEqual(expected)
            ? Pass(TdxStepNames.ReportDataNonce, "REPORTDATA = SHA-512(nonce)")
            : Fail(TdxStepNames.ReportDataNonce, TdxIssueCode.ReportDataMismatch, $"REPORTDATA at offset {offset} is {Convert.ToHexStringLower(quote.Body.ReportData)}, expected SHA-512(nonce) = {Convert.ToHexStringLower(expected)}");
    }

    private static TdxIssue MapChainIssue(PkiIssue issue) => issue.Code switch
    {
        PkiIssueCode.Expired => new(TdxIssueCode.CertificateExpired, issue.Message),
        PkiIssueCode.NotYetValid => new(TdxIssueCode.CertificateNotYetValid, issue.Message),
        PkiIssueCode.SignatureInvalid or PkiIssueCode.UnsupportedSignatureAlgorithm => new(TdxIssueCode.CertificateSignatureInvalid, issue.Message),
        _ => new(TdxIssueCode.ChainUntrusted, issue.Message),
    };

    internal static bool TryImportP256(byte[] rawXy, out ECDsa? key)
    {
        key = null;
        try
        {
            key = ECDsa.Create(new ECParameters
            {
                Curve = ECCurve.NamedCurves.nistP256,
                Q = new ECPoint { X = rawXy[..32], Y = rawXy[32..64] },
            });
            return true;
        }
        catch (CryptographicException)
        {
            key?.Dispose();
            key = null;
            return false;
        }
    }

    private static TdxStep Step(string name, IReadOnlyList<TdxIssue> issues, string passDetail) =>
        issues.Count == 0
            ? new TdxStep(name, StepStatus.Pass, passDetail, [])
            : new TdxStep(name, StepStatus.Fail, string.Join("; ", issues.Select(i => i.Message)), issues);

    private static TdxStep Pass(string name, string detail) => new(name, StepStatus.Pass, detail, []);

    private static TdxStep Fail(string name, TdxIssueCode code, string message) => new(name, StepStatus.Fail, message, [new(code, message)]);
}
