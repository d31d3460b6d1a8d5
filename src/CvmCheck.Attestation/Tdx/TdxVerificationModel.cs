namespace CvmCheck.Attestation.Tdx;

/// <summary>Outcome of one verification step. Ordered worst → best (NuGet-style: the overall result is the worst
/// step); <see cref="Skip"/> (nothing to check) never changes the verdict.</summary>
public enum StepStatus
{
    Fail = 0,
    Warn = 1,
    Pass = 2,
    Skip = 3,
}

/// <summary>Overall result of the default appraisal (DESIGN.md §3).</summary>
public enum Verdict
{
    Fail = 0,
    Warn = 1,
    Pass = 2,
}

/// <summary>Coded reasons a TDX verification step did not simply pass. Codes are stable: scripts and tests match on them.</summary>
public enum TdxIssueCode
{
    /// <summary>The attestation key is not a valid P-256 point.</summary>
    AttestationKeyInvalid = 1,

    /// <summary>ECDSA over header+body does not verify with the attestation key.</summary>
    QuoteSignatureInvalid,

    /// <summary>The PCK certificate chain in the quote does not decode, or the leaf lacks the SGX extension.</summary>
    PckCertificateMalformed,

    /// <summary>A certificate chain does not lead to the pinned Intel SGX Root CA (unknown root, missing issuer, not a CA).</summary>
    ChainUntrusted,

    /// <summary>A certificate signature does not verify with its issuer's key.</summary>
    CertificateSignatureInvalid,

    /// <summary>A certificate's notAfter is before the verification time.</summary>
    CertificateExpired,

    /// <summary>A certificate's notBefore is after the verification time.</summary>
    CertificateNotYetValid,

    /// <summary>The PCK leaf's serial is listed in the PCK CRL.</summary>
    PckRevoked,

    /// <summary>The PCK Platform/Processor CA's serial is listed in the Root CA CRL.</summary>
    IntermediateRevoked,

    /// <summary>A CRL's signature or issuer does not match the certificate that must have issued it.</summary>
    CrlInvalid,

    /// <summary>CRL files were not supplied: revocation could not be checked.</summary>
    RevocationUnchecked,

    /// <summary>The QE report signature does not verify with the PCK leaf key.</summary>
    QeReportSignatureInvalid,

    /// <summary>QE REPORTDATA is not SHA-256(attestation key ‖ QE auth data) ‖ 32 zero bytes.</summary>
    QeReportDataMismatch,

    /// <summary>The tcbInfo signature does not verify with the TCB Signing certificate.</summary>
    TcbInfoSignatureInvalid,

    /// <summary>The enclaveIdentity signature does not verify with the TCB Signing certificate.</summary>
    QeIdentitySignatureInvalid,

    /// <summary>Collateral (TCB Info, QE Identity, a CRL) is past nextUpdate at the verification time.</summary>
    CollateralExpired,

    /// <summary>Collateral was issued after the verification time.</summary>
    CollateralNotYetValid,

    /// <summary>A collateral file is empty, or TCB Info has no TCB levels.</summary>
    CollateralEmpty,

    /// <summary>A supplied root_ca.pem is not the pinned Intel SGX Root CA.</summary>
    RootCaMismatch,

    /// <summary>The PCK certificate's FMSPC differs from the TCB Info's.</summary>
    FmspcMismatch,

    /// <summary>The PCK certificate's PCE ID differs from the TCB Info's.</summary>
    PceIdMismatch,

    /// <summary>The QE report does not match the QE Identity (MRSIGNER, ISVPRODID, MISCSELECT, ATTRIBUTES).</summary>
    QeIdentityMismatch,

    /// <summary>No tdxModuleIdentities entry for TDX_%02X of the module's major version, or no level for its SVN.</summary>
    TdxModuleIdentityNotFound,

    /// <summary>MRSIGNERSEAM or SEAMATTRIBUTES differ from the TCB Info's TDX module identity.</summary>
    TdxModuleMismatch,

    /// <summary>No TCB level of the TCB Info is met by the platform (Intel: TCB not supported).</summary>
    TcbLevelNotFound,

    /// <summary>The converged TCB status is OutOfDate, OutOfDateConfigurationNeeded or Revoked.</summary>
    TcbStatusRejected,

    /// <summary>The converged TCB status is SWHardeningNeeded, ConfigurationNeeded or ConfigurationAndSWHardeningNeeded.</summary>
    TcbStatusNeedsAttention,

    /// <summary>The QE's own TCB level is not UpToDate.</summary>
    QeTcbNotUpToDate,

    /// <summary>TDATTRIBUTES.DEBUG is set: the host can read the TD's memory.</summary>
    DebugTd,

    /// <summary>REPORTDATA is not SHA-512 of the nonce given with --nonce.</summary>
    ReportDataMismatch,

    /// <summary>Zero bytes follow the signature data (buffer padding; tolerated).</summary>
    TrailingZeroBytes,
}

public sealed record TdxIssue(TdxIssueCode Code, string Message)
{
    public override string ToString() => $"{Code}: {Message}";
}

/// <summary>One named step with its status, a one-line detail and its coded issues.</summary>
public sealed record TdxStep(string Name, StepStatus Status, string Detail, IReadOnlyList<TdxIssue> Issues);

/// <summary>Stable step names (contract for scripts reading `steps[].name`).</summary>
public static class TdxStepNames
{
    public const string Collateral = "collateral";
    public const string QuoteFormat = "quote.format";
    public const string QuoteSignature = "quote.signature";
    public const string PckChain = "pck.chain";
    public const string Revocation = "revocation";
    public const string QeReportSignature = "qe.report.signature";
    public const string QeReportBinding = "qe.report.binding";
    public const string TcbInfoSignature = "tcbinfo.signature";
    public const string TcbInfoValidity = "tcbinfo.validity";
    public const string TcbInfoFmspc = "tcbinfo.fmspc";
    public const string QeIdentitySignature = "qeidentity.signature";
    public const string QeIdentityValidity = "qeidentity.validity";
    public const string QeIdentityMatch = "qeidentity.match";
    public const string TdxModule = "tdx.module";
    public const string TcbStatus = "tcb.status";
    public const string TdDebug = "td.debug";
    public const string ReportDataNonce = "reportdata.nonce";
}
