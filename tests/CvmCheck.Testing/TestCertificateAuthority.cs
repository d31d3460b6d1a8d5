using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CvmCheck.Testing;

public enum TestKeyKind
{
    Rsa,
    Ecdsa,
}

/// <summary>
/// A certificate authority generated at run time (the NuGet test CertificateAuthority pattern): a root,
/// intermediates and leaves built with <see cref="CertificateRequest"/>, RSA-3072 or ECDSA P-384 keys, no
/// private key ever committed. Each issued certificate carries its private key, so a test can sign with it
/// and export it as PEM for the CLI.
/// </summary>
public sealed class TestCertificateAuthority
{
    private TestCertificateAuthority(X509Certificate2 certificate, TestCertificateAuthority? parent)
    {
        Certificate = certificate;
        Parent = parent;
    }

    /// <summary>The CA certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    public TestCertificateAuthority? Parent { get; }

    /// <summary>The CA's certificate without its key: what a verifier is given as a trust anchor.</summary>
    public X509Certificate2 PublicCertificate => X509CertificateLoader.LoadCertificate(Certificate.RawData);

    public static TestCertificateAuthority CreateRoot(string name = "cvmcheck test root", TestKeyKind kind = TestKeyKind.Ecdsa, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null)
    {
        var key = NewKey(kind); // not disposed: the issued certificate keeps using it
        var request = NewRequest("CN=" + name + ", O=cvmcheck tests", key);
        AddCaExtensions(request, pathLength: 1);
        var root = request.CreateSelfSigned(notBefore ?? DateTimeOffset.UtcNow.AddDays(-1), notAfter ?? DateTimeOffset.UtcNow.AddYears(5));
        return new TestCertificateAuthority(root, null);
    }

    public TestCertificateAuthority CreateIntermediate(string name = "cvmcheck test intermediate", TestKeyKind kind = TestKeyKind.Ecdsa)
    {
        var key = NewKey(kind); // not disposed: the issued certificate keeps using it
        var request = NewRequest("CN=" + name + ", O=cvmcheck tests", key);
        AddCaExtensions(request, pathLength: 0);
        return new TestCertificateAuthority(Issue(request, key, Certificate.NotBefore.ToUniversalTime(), Certificate.NotAfter.ToUniversalTime()), this);
    }

    /// <summary>An end-entity certificate with its key: digitalSignature key usage and, unless told
    /// otherwise, extended key usage codeSigning (a "real-world" manifest signer).</summary>
    public X509Certificate2 IssueLeaf(
        string name = "cvmcheck test signer",
        TestKeyKind kind = TestKeyKind.Ecdsa,
        string[]? extendedKeyUsages = null,
        X509KeyUsageFlags keyUsage = X509KeyUsageFlags.DigitalSignature,
        DateTimeOffset? notBefore = null,
        DateTimeOffset? notAfter = null)
    {
        var key = NewKey(kind); // not disposed: the issued certificate keeps using it
        var request = NewRequest("CN=" + name + ", O=cvmcheck tests", key);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(keyUsage, true));
        var ekus = new OidCollection();
        foreach (var oid in extendedKeyUsages ?? ["1.3.6.1.5.5.7.3.3"])
        {
            ekus.Add(new Oid(oid));
        }

        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(ekus, false));
        return Issue(request, key, notBefore ?? DateTimeOffset.UtcNow.AddHours(-1), notAfter ?? DateTimeOffset.UtcNow.AddYears(1));
    }

    /// <summary>Writes a certificate (and any extra certificates after it, e.g. intermediates) as PEM.</summary>
    public static string WriteCertificatePem(string path, X509Certificate2 certificate, params X509Certificate2[] extra)
    {
        File.WriteAllText(path, string.Concat(new[] { certificate }.Concat(extra).Select(c => c.ExportCertificatePem() + "\n")));
        return path;
    }

    /// <summary>Writes the certificate's private key as unencrypted PKCS #8 PEM.</summary>
    public static string WriteKeyPem(string path, X509Certificate2 certificate)
    {
        AsymmetricAlgorithm key = (AsymmetricAlgorithm?)certificate.GetECDsaPrivateKey() ?? certificate.GetRSAPrivateKey()
            ?? throw new InvalidOperationException("certificate has no private key");
        using (key)
        {
            File.WriteAllText(path, key.ExportPkcs8PrivateKeyPem());
        }

        return path;
    }

    private X509Certificate2 Issue(CertificateRequest request, AsymmetricAlgorithm key, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, true, false));
        var generator = Certificate.GetECDsaPrivateKey() is { } ec
            ? X509SignatureGenerator.CreateForECDsa(ec)
            : X509SignatureGenerator.CreateForRSA(Certificate.GetRSAPrivateKey()!, RSASignaturePadding.Pkcs1);
        var serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7f;
        using var issued = request.Create(Certificate.SubjectName, generator, notBefore, notAfter, serial);
        return key switch
        {
            ECDsa e => issued.CopyWithPrivateKey(e),
            RSA r => issued.CopyWithPrivateKey(r),
            _ => throw new InvalidOperationException("unsupported key"),
        };
    }

    private static AsymmetricAlgorithm NewKey(TestKeyKind kind) =>
        kind == TestKeyKind.Rsa ? RSA.Create(3072) : ECDsa.Create(ECCurve.NamedCurves.nistP384);

    private static CertificateRequest NewRequest(string subject, AsymmetricAlgorithm key)
    {
        var request = key switch
        {
            RSA r => new CertificateRequest(subject, r, HashAlgorithmName.SHA384, RSASignaturePadding.Pkcs1),
            ECDsa e => new CertificateRequest(subject, e, HashAlgorithmName.SHA384),
            _ => throw new InvalidOperationException("unsupported key"),
        };
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request;
    }

    private static void AddCaExtensions(CertificateRequest request, int pathLength)
    {
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, pathLength, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
    }
}
