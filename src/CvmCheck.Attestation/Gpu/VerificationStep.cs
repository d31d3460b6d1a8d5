namespace CvmCheck.Attestation.Gpu;

/// <summary>Status of one verification step, ordered worst first so an aggregate is the minimum (NuGet-style).</summary>
public enum StepStatus
{
    Fail = 0,
    Warn = 1,
    Skip = 2,
    Pass = 3,
}

/// <summary>Stable codes for every way a GPU attestation can fall short; tests and policies key on these.</summary>
public enum GpuIssueCode
{
    None = 0,
    SignatureInvalid,
    ChainInvalid,
    FwidMismatch,
    FwidAbsent,
    NonceMismatch,
    NonceNotChecked,
    RimSignatureInvalid,
    RimDigestInvalid,
    RimChainInvalid,
    RimExpired,
    RimVersionMismatch,
    RimMalformed,
    MeasurementMismatch,
    MeasurementsNotChecked,
    RevocationUnknown,
    CertificateRevoked,
    OcspResponseInvalid,
}

/// <summary>One step of the appraisal: a stable name (<c>report.signature</c>, <c>certs.chain</c>, …), its status, code and a human detail.</summary>
public sealed record VerificationStep(string Name, StepStatus Status, GpuIssueCode Code, string Detail)
{
    public static string StatusText(StepStatus status) => status switch
    {
        StepStatus.Pass => "pass",
        StepStatus.Fail => "fail",
        StepStatus.Warn => "warn",
        _ => "skip",
    };
}
