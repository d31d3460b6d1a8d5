using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;

namespace CvmCheck.Attestation.Cms;

/// <summary>Outcome of checking a manifest signature, ordered worst → best so the overall status of
/// several checks is their minimum. <see cref="Unknown"/> is 0 so a default is never a pass.</summary>
public enum ManifestSignatureStatus
{
    Unknown = 0,

    /// <summary>Not a CMS SignedData structure.</summary>
    Malformed,

    /// <summary>Decodes, but the signature does not cover these bytes, or required parts are missing.</summary>
    Invalid,

    /// <summary>Cryptographically sound, but the signer does not chain to a trust anchor (or none was given).</summary>
    Untrusted,

    Valid,
}

/// <summary>One reason a signature is not <see cref="ManifestSignatureStatus.Valid"/>, with a stable code.</summary>
public sealed record SignatureIssue(string Code, ManifestSignatureStatus Status, string Message);

public sealed class ManifestSignatureResult
{
    internal ManifestSignatureResult(IReadOnlyList<SignatureIssue> issues, X509Certificate2? signer, DateTimeOffset? signingTime)
    {
        Issues = issues;
        Signer = signer;
        SigningTime = signingTime;
        Status = issues.Count == 0 ? ManifestSignatureStatus.Valid : issues.Min(i => i.Status);
    }

    public ManifestSignatureStatus Status { get; }

    /// <summary>Every problem found, in check order; empty when valid.</summary>
    public IReadOnlyList<SignatureIssue> Issues { get; }

    public X509Certificate2? Signer { get; }

    public DateTimeOffset? SigningTime { get; }
}

/// <summary>
/// Verifies a detached CMS signature over a manifest (see <see cref="ManifestSigner"/>). Checks run in a
/// fixed order — structure, one signer, digest algorithm, signing time, signature, chain, key usage — and
/// every failure is recorded rather than the first thrown. The chain is built with
/// <see cref="X509ChainTrustMode.CustomRootTrust"/> over the caller's anchors only (the machine store is
/// never consulted), certificates from the signature as the extra store, no downloads, no revocation
/// (bundles are verified offline), at <c>at</c> or else the signed signing time.
/// </summary>
public static class ManifestSignatureVerifier
{
    /// <summary>id-kp-codeSigning (RFC 5280 §4.2.1.12).</summary>
    public const string CodeSigningEku = "1.3.6.1.5.5.7.3.3";

    /// <summary>anyExtendedKeyUsage (RFC 5280 §4.2.1.12).</summary>
    public const string AnyEku = "2.5.29.37.0";

    private const string IdData = "1.2.840.113549.1.7.1";
    private const string ContentTypeAttributeOid = "1.2.840.113549.1.9.3";

    public static ManifestSignatureResult Verify(byte[] content, byte[] signature, IReadOnlyList<X509Certificate2> trustAnchors, DateTimeOffset? at = null)
    {
        var issues = new List<SignatureIssue>();
        var cms = new SignedCms(new ContentInfo(content), detached: true);
        try
        {
            cms.Decode(signature);
        }
        catch (CryptographicException e)
        {
            issues.Add(new("cms.malformed", ManifestSignatureStatus.Malformed, $"not a CMS SignedData structure ({e.Message})"));
            return new ManifestSignatureResult(issues, null, null);
        }

        var (outer, eContentType) = UnsignedFields(signature);
        if (outer is not null && !(outer.Count == 1 && outer[0] == ManifestSigner.Sha384Oid))
        {
            issues.Add(new("cms.digest-algorithms", ManifestSignatureStatus.Invalid, $"SignedData digestAlgorithms is {{{string.Join(", ", outer)}}}; exactly SHA-384 expected"));
        }

        if (eContentType is not null && eContentType != IdData)
        {
            issues.Add(new("cms.content-type", ManifestSignatureStatus.Invalid, $"eContentType {eContentType}; id-data ({IdData}) required"));
        }

        try
        {
            return VerifyDecoded(cms, trustAnchors, at, issues);
        }
        catch (CryptographicException e)
        {
            // A certificate or attribute inside the structure does not decode (found by the byte-flip test).
            issues.Add(new("cms.malformed", ManifestSignatureStatus.Malformed, $"part of the CMS structure does not decode ({e.Message})"));
            return new ManifestSignatureResult(issues, null, null);
        }
    }

    private static ManifestSignatureResult VerifyDecoded(SignedCms cms, IReadOnlyList<X509Certificate2> trustAnchors, DateTimeOffset? at, List<SignatureIssue> issues)
    {
        if (cms.SignerInfos.Count != 1)
        {
            issues.Add(new("cms.signer-count", ManifestSignatureStatus.Invalid, $"{cms.SignerInfos.Count} signers; exactly one expected"));
            return new ManifestSignatureResult(issues, null, null);
        }

        var info = cms.SignerInfos[0];

        // RFC 5652 §5.1: SignedData version 1 for id-data content and issuerAndSerialNumber signers (3 with a
        // subjectKeyIdentifier). Not covered by the signature, so checked here: nothing unsigned may vary.
        var expectedVersion = info.SignerIdentifier.Type == SubjectIdentifierType.SubjectKeyIdentifier ? 3 : 1;
        if (cms.Version != expectedVersion || info.Version != expectedVersion)
        {
            issues.Add(new("cms.version", ManifestSignatureStatus.Invalid, $"SignedData version {cms.Version}, SignerInfo version {info.Version}; {expectedVersion} expected (RFC 5652 §5.1, §5.3)"));
        }

        // RFC 5652 §11.1: the signed content-type attribute must equal eContentType, and a manifest is
        // id-data. SignedCms compares neither; eContentType itself is checked in UnsignedFields.
        var signedContentType = info.SignedAttributes.Cast<CryptographicAttributeObject>()
            .Where(a => a.Oid.Value == ContentTypeAttributeOid && a.Values.Count == 1 && a.Values[0] is Pkcs9ContentType)
            .Select(a => ((Pkcs9ContentType)a.Values[0]).ContentType.Value)
            .FirstOrDefault();
        if (signedContentType != IdData)
        {
            issues.Add(new("cms.content-type", ManifestSignatureStatus.Invalid, $"signed content-type attribute {signedContentType ?? "missing"}; id-data ({IdData}) required"));
        }
        var signer = info.Certificate;
        if (info.DigestAlgorithm.Value != ManifestSigner.Sha384Oid)
        {
            issues.Add(new("cms.digest-algorithm", ManifestSignatureStatus.Invalid, $"digest algorithm {info.DigestAlgorithm.FriendlyName ?? info.DigestAlgorithm.Value}; SHA-384 required"));
        }

        DateTimeOffset? signingTime = null;
        foreach (var attribute in info.SignedAttributes)
        {
            if (attribute.Values.Count > 0 && attribute.Values[0] is Pkcs9SigningTime time)
            {
                signingTime = new DateTimeOffset(DateTime.SpecifyKind(time.SigningTime, DateTimeKind.Utc));
            }
        }

        if (signingTime is null)
        {
            issues.Add(new("cms.no-signing-time", ManifestSignatureStatus.Invalid, "no signing-time attribute"));
        }

        if (signer is null)
        {
            issues.Add(new("cms.no-signer-certificate", ManifestSignatureStatus.Invalid, "the signer's certificate is not included"));
            return new ManifestSignatureResult(issues, null, signingTime);
        }

        try
        {
            info.CheckSignature(verifySignatureOnly: true);
        }
        catch (CryptographicException e)
        {
            issues.Add(new("cms.signature", ManifestSignatureStatus.Invalid, $"signature does not match the manifest ({e.Message})"));
        }

        CheckChain(signer, cms.Certificates, trustAnchors, at ?? signingTime ?? DateTimeOffset.UtcNow, issues);
        CheckUsage(signer, issues);
        return new ManifestSignatureResult(issues, signer, signingTime);
    }

    /// <summary>The unsigned SignedData.digestAlgorithms set (RFC 5652 §5.1), which SignedCms does not
    /// expose: ContentInfo ::= SEQUENCE { contentType, [0] EXPLICIT SignedData ::= SEQUENCE { version,
    /// digestAlgorithms SET OF AlgorithmIdentifier, … } }.</summary>
    private static (List<string>? DigestAlgorithms, string? EContentType) UnsignedFields(byte[] signature)
    {
        try
        {
            var contentInfo = new AsnReader(signature, AsnEncodingRules.BER).ReadSequence();
            contentInfo.ReadObjectIdentifier();
            var signedData = contentInfo.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0)).ReadSequence();
            signedData.ReadInteger();
            var set = signedData.ReadSetOf();
            var oids = new List<string>();
            while (set.HasData)
            {
                oids.Add(set.ReadSequence().ReadObjectIdentifier());
            }

            // EncapsulatedContentInfo ::= SEQUENCE { eContentType, eContent [0] OPTIONAL }
            return (oids, signedData.ReadSequence().ReadObjectIdentifier());
        }
        catch (AsnContentException)
        {
            return (null, null); // SignedCms.Decode has already judged the structure
        }
    }

    private static void CheckChain(X509Certificate2 signer, X509Certificate2Collection included, IReadOnlyList<X509Certificate2> anchors, DateTimeOffset at, List<SignatureIssue> issues)
    {
        if (anchors.Count == 0)
        {
            issues.Add(new("chain.no-anchor", ManifestSignatureStatus.Untrusted, $"signed by '{signer.Subject}', but no trust anchor was given (--trust PEM)"));
            return;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(anchors.ToArray());
        chain.ChainPolicy.ExtraStore.AddRange(included);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        chain.ChainPolicy.VerificationTime = at.UtcDateTime;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        if (chain.Build(signer))
        {
            return;
        }

        // Record every status of every element, not only the first (SignerInfo.CheckSignature's gap).
        var statuses = chain.ChainElements
            .SelectMany(e => e.ChainElementStatus.Select(s => $"{e.Certificate.Subject}: {s.Status} ({s.StatusInformation.Trim()})"))
            .Concat(chain.ChainStatus.Where(s => chain.ChainElements.All(e => e.ChainElementStatus.All(x => x.Status != s.Status))).Select(s => $"{s.Status} ({s.StatusInformation.Trim()})"))
            .Distinct()
            .ToArray();
        issues.Add(new("chain.untrusted", ManifestSignatureStatus.Untrusted,
            $"signer '{signer.Subject}' does not chain to a trust anchor at {at.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}: {string.Join("; ", statuses)}"));
    }

    private static void CheckUsage(X509Certificate2 signer, List<SignatureIssue> issues)
    {
        if (signer.Extensions.OfType<X509KeyUsageExtension>().FirstOrDefault() is { } keyUsage
            && (keyUsage.KeyUsages & (X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation)) == 0)
        {
            issues.Add(new("cert.key-usage", ManifestSignatureStatus.Untrusted, $"signer key usage is {keyUsage.KeyUsages}; digitalSignature required"));
        }

        if (signer.Extensions.OfType<X509EnhancedKeyUsageExtension>().FirstOrDefault() is { } eku
            && !eku.EnhancedKeyUsages.Cast<Oid>().Any(o => o.Value is CodeSigningEku or AnyEku))
        {
            issues.Add(new("cert.extended-key-usage", ManifestSignatureStatus.Untrusted,
                $"signer extended key usage ({string.Join(", ", eku.EnhancedKeyUsages.Cast<Oid>().Select(o => o.FriendlyName ?? o.Value))}) lacks codeSigning"));
        }
    }
}
