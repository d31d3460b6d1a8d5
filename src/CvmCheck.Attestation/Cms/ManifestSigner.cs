using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;

namespace CvmCheck.Attestation.Cms;

/// <summary>
/// Detached CMS (RFC 5652) signatures over a bundle manifest: SignedData without encapsulated content,
/// SHA-384 digest, a signing-time attribute (RFC 5652 §11.3) and the signer's certificate (plus any
/// intermediates supplied) in the certificate set. RSA (PKCS #1 v1.5) and ECDSA keys both work.
/// </summary>
public static class ManifestSigner
{
    /// <summary>SHA-384 (NIST CSOR, RFC 5754 §2.3).</summary>
    public const string Sha384Oid = "2.16.840.1.101.3.4.2.2";

    public static byte[] Sign(byte[] content, X509Certificate2 signerWithKey, DateTimeOffset signingTime, IEnumerable<X509Certificate2>? intermediates = null)
    {
        if (!signerWithKey.HasPrivateKey)
        {
            throw new ArgumentException("the signing certificate has no private key", nameof(signerWithKey));
        }

        var cms = new SignedCms(new ContentInfo(content), detached: true);
        var signer = new CmsSigner(SubjectIdentifierType.IssuerAndSerialNumber, signerWithKey)
        {
            DigestAlgorithm = new Oid(Sha384Oid),
            IncludeOption = X509IncludeOption.EndCertOnly,
        };
        signer.SignedAttributes.Add(new Pkcs9SigningTime(signingTime.UtcDateTime));
        foreach (var cert in intermediates ?? [])
        {
            signer.Certificates.Add(cert);
        }

        cms.ComputeSignature(signer, silent: true);
        return cms.Encode();
    }

    /// <summary>Loads a signer from PEM files: the certificate file (the leaf first, intermediates after it
    /// are carried into the signature) and its unencrypted private key (RSA, EC or PKCS #8).</summary>
    public static (X509Certificate2 Signer, X509Certificate2[] Intermediates) LoadPem(string certificatePem, string keyPem)
    {
        var signer = X509Certificate2.CreateFromPemFile(certificatePem, keyPem);
        var all = new X509Certificate2Collection();
        all.ImportFromPemFile(certificatePem);
        var intermediates = all.Where(c => c.Thumbprint != signer.Thumbprint).ToArray();
        return (signer, intermediates);
    }
}
