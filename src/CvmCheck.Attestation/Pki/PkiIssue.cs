namespace CvmCheck.Attestation.Pki;

/// <summary>Why a certificate, chain or CRL was not accepted. Generic: no TDX or GPU knowledge here.</summary>
public enum PkiIssueCode
{
    /// <summary>PEM or DER that does not decode.</summary>
    Malformed = 1,

    /// <summary>A signature does not verify with the issuer's key.</summary>
    SignatureInvalid,

    /// <summary>Only ECDSA with SHA-256/384/512 is accepted.</summary>
    UnsupportedSignatureAlgorithm,

    /// <summary>notAfter (or a CRL's nextUpdate) is before the verification time.</summary>
    Expired,

    /// <summary>notBefore (or a CRL's thisUpdate) is after the verification time.</summary>
    NotYetValid,

    /// <summary>No certificate with the issuer's name was supplied.</summary>
    IssuerNotFound,

    /// <summary>The chain ends at a self-signed certificate that is not the pinned root.</summary>
    UntrustedRoot,

    /// <summary>An issuing certificate lacks basicConstraints cA=TRUE.</summary>
    NotCertificateAuthority,

    /// <summary>The certificate's serial number is listed in its issuer's CRL.</summary>
    Revoked,

    /// <summary>A CRL's issuer name is not the subject of the certificate that should have issued it.</summary>
    CrlIssuerMismatch,

    /// <summary>The chain is longer than any real PKI here would be (loop guard).</summary>
    ChainTooLong,
}

/// <summary>One coded problem, with a message that names the certificate or CRL.</summary>
public sealed record PkiIssue(PkiIssueCode Code, string Message)
{
    public override string ToString() => $"{Code}: {Message}";
}

/// <summary>PEM or DER input that cannot be decoded at all (malformed input, not a verification failure).</summary>
public sealed class PkiFormatException(string message, Exception? inner = null) : FormatException(message, inner);
