using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CvmCheck.Attestation.Tests.Tdx;

/// <summary>A run-time certificate authority (root → intermediate → leaf, P-256) for PKI tests: no key is
/// ever committed (the NuGet test CertificateAuthority pattern). Revocation lists are built with the BCL.</summary>
internal sealed class TestCa : IDisposable
{
    public TestCa(string name = "cvmcheck test", DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null)
    {
        var from = notBefore ?? DateTimeOffset.UtcNow.AddDays(-1);
        var to = notAfter ?? DateTimeOffset.UtcNow.AddYears(1);
        RootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var rootReq = Request($"CN={name} Root CA", RootKey, ca: true);
        using (var selfSigned = rootReq.CreateSelfSigned(from, to))
        {
            Root = X509CertificateLoader.LoadCertificate(selfSigned.RawData); // public part only; the key stays in RootKey
        }

        IntermediateKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Intermediate = Issue(Request($"CN={name} Platform CA", IntermediateKey, ca: true), Root, RootKey, from, to, [1]);

        LeafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Leaf = Issue(Request($"CN={name} PCK Certificate", LeafKey, ca: false), Intermediate, IntermediateKey, from, to, [0x3c, 0x16, 0xed]);
    }

    public ECDsa RootKey { get; }

    public ECDsa IntermediateKey { get; }

    public ECDsa LeafKey { get; }

    public X509Certificate2 Root { get; }

    public X509Certificate2 Intermediate { get; }

    public X509Certificate2 Leaf { get; }

    /// <summary>A DER CRL signed by <paramref name="issuer"/> (with its key) listing <paramref name="revoked"/>.</summary>
    public static byte[] Crl(X509Certificate2 issuer, ECDsa issuerKey, DateTimeOffset thisUpdate, DateTimeOffset nextUpdate, params X509Certificate2[] revoked)
    {
        var builder = new CertificateRevocationListBuilder();
        foreach (var cert in revoked)
        {
            builder.AddEntry(cert, thisUpdate);
        }

        using var withKey = issuer.CopyWithPrivateKey(issuerKey);
        return builder.Build(withKey, BigInteger.One, nextUpdate, HashAlgorithmName.SHA256, thisUpdate: thisUpdate);
    }

    public void Dispose()
    {
        RootKey.Dispose();
        IntermediateKey.Dispose();
        LeafKey.Dispose();
    }

    private static CertificateRequest Request(string subject, ECDsa key, bool ca)
    {
        var req = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(ca, false, 0, ca));
        req.CertificateExtensions.Add(new X509KeyUsageExtension(ca ? X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign : X509KeyUsageFlags.DigitalSignature, true));
        req.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(req.PublicKey, false));
        return req;
    }

    private static X509Certificate2 Issue(CertificateRequest req, X509Certificate2 issuer, ECDsa issuerKey, DateTimeOffset from, DateTimeOffset to, byte[] serial)
    {
        using var issuerWithKey = issuer.CopyWithPrivateKey(issuerKey);
        using var cert = req.Create(issuerWithKey, from, to, serial);
        return X509CertificateLoader.LoadCertificate(cert.RawData);
    }
}
