using CvmCheck.Attestation.Gpu;
using CvmCheck.Testing;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Ocsp;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;

namespace CvmCheck.Attestation.Tests.Gpu;

/// <summary>OCSP against a certificate authority built at run time (no private key is stored anywhere).</summary>
public sealed class OcspCheckerTests
{
    private static readonly DateTimeOffset Now = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly SecureRandom Random = new();

    private sealed record Issued(X509Certificate Certificate, AsymmetricCipherKeyPair Keys);

    private static AsymmetricCipherKeyPair NewKeys()
    {
        var generator = new ECKeyPairGenerator();
        generator.Init(new ECKeyGenerationParameters(Org.BouncyCastle.Asn1.Sec.SecObjectIdentifiers.SecP384r1, Random));
        return generator.GenerateKeyPair();
    }

    private static Issued Issue(string name, Issued? issuer, bool ca, long serial, KeyPurposeID? eku = null)
    {
        var keys = NewKeys();
        var generator = new X509V3CertificateGenerator();
        generator.SetSerialNumber(BigInteger.ValueOf(serial));
        generator.SetSubjectDN(new X509Name("CN=" + name));
        generator.SetIssuerDN(issuer?.Certificate.SubjectDN ?? new X509Name("CN=" + name));
        generator.SetNotBefore(Now.UtcDateTime.AddYears(-1));
        generator.SetNotAfter(Now.UtcDateTime.AddYears(1));
        generator.SetPublicKey(keys.Public);
        generator.AddExtension(X509Extensions.BasicConstraints, true, new BasicConstraints(ca));
        if (eku is not null)
        {
            generator.AddExtension(X509Extensions.ExtendedKeyUsage, false, new ExtendedKeyUsage(eku));
        }

        var signer = new Asn1SignatureFactory("SHA384WITHECDSA", (issuer?.Keys ?? keys).Private, Random);
        return new Issued(generator.Generate(signer), keys);
    }

    private static byte[] Respond(Issued subject, Issued issuer, AsymmetricKeyParameter signingKey, CertificateStatus? status, DateTimeOffset? nextUpdate = null, X509Certificate[]? certs = null)
    {
        var id = new CertificateID(CertificateID.DigestSha1, issuer.Certificate, subject.Certificate.SerialNumber);
        var builder = new BasicOcspRespGenerator(new RespID(issuer.Certificate.SubjectDN));
        builder.AddResponse(id, status, Now.UtcDateTime.AddHours(-1), (nextUpdate ?? Now.AddDays(7)).UtcDateTime, null);
        var basic = builder.Generate(new Asn1SignatureFactory("SHA384WITHECDSA", signingKey, Random), certs, Now.UtcDateTime);
        return new OCSPRespGenerator().Generate(OCSPRespGenerator.Successful, basic).GetEncoded();
    }

    private static (Issued Root, Issued Intermediate, Issued Leaf) Ca()
    {
        var root = Issue("Test Root", null, true, 1);
        var intermediate = Issue("Test Intermediate", root, true, 0x2a3b);
        var leaf = Issue("Test Leaf", intermediate, false, 0x77);
        return (root, intermediate, leaf);
    }

    [Fact]
    public void Good_response_signed_by_the_issuer_is_good()
    {
        var (root, intermediate, _) = Ca();

        var (status, _) = OcspChecker.CheckOne(intermediate.Certificate, root.Certificate, Respond(intermediate, root, root.Keys.Private, CertificateStatus.Good), Now);

        Assert.Equal(RevocationStatus.Good, status);
    }

    [Fact]
    public void Revoked_response_is_revoked()
    {
        var (root, intermediate, _) = Ca();
        var revoked = new RevokedStatus(Now.UtcDateTime.AddDays(-3), CrlReason.KeyCompromise);

        var (status, detail) = OcspChecker.CheckOne(intermediate.Certificate, root.Certificate, Respond(intermediate, root, root.Keys.Private, revoked), Now);

        Assert.Equal(RevocationStatus.Revoked, status);
        Assert.Contains("revoked", detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Response_signed_by_an_unrelated_key_is_invalid()
    {
        var (root, intermediate, _) = Ca();

        var (status, _) = OcspChecker.CheckOne(intermediate.Certificate, root.Certificate, Respond(intermediate, root, NewKeys().Private, CertificateStatus.Good), Now);

        Assert.Equal(RevocationStatus.Invalid, status);
    }

    [Fact]
    public void Response_signed_by_a_delegated_ocsp_signer_of_the_issuer_is_accepted()
    {
        var (root, intermediate, _) = Ca();
        var responder = Issue("Test OCSP", root, false, 0x99, KeyPurposeID.id_kp_OCSPSigning);

        var der = Respond(intermediate, root, responder.Keys.Private, CertificateStatus.Good, certs: [responder.Certificate]);

        Assert.Equal(RevocationStatus.Good, OcspChecker.CheckOne(intermediate.Certificate, root.Certificate, der, Now).Status);
    }

    [Fact]
    public void Expired_response_is_invalid()
    {
        var (root, intermediate, _) = Ca();

        var der = Respond(intermediate, root, root.Keys.Private, CertificateStatus.Good, nextUpdate: Now.AddMinutes(-10));

        Assert.Equal(RevocationStatus.Invalid, OcspChecker.CheckOne(intermediate.Certificate, root.Certificate, der, Now).Status);
    }

    [Fact]
    public void Response_for_another_certificate_is_invalid()
    {
        var (root, intermediate, _) = Ca();
        var other = Issue("Other", root, true, 0x1234);

        var der = Respond(other, root, root.Keys.Private, CertificateStatus.Good);

        Assert.Equal(RevocationStatus.Invalid, OcspChecker.CheckOne(intermediate.Certificate, root.Certificate, der, Now).Status);
    }

    [Fact]
    public void Directory_lookup_by_serial_hex_gives_good_when_every_issuer_cert_has_a_response_and_unknown_otherwise()
    {
        var (root, intermediate, leaf) = Ca();
        using var dir = new TempDir();
        IReadOnlyList<X509Certificate> path = [leaf.Certificate, intermediate.Certificate, root.Certificate];

        Assert.Equal(RevocationStatus.Unknown, OcspChecker.Check(path, dir.Path, Now).Status);
        Assert.Equal("2a3b.der", OcspChecker.FileNameFor(intermediate.Certificate));
        dir.WriteBytes(OcspChecker.FileNameFor(intermediate.Certificate), Respond(intermediate, root, root.Keys.Private, CertificateStatus.Good));
        Assert.Equal(RevocationStatus.Good, OcspChecker.Check(path, dir.Path, Now).Status);
        dir.WriteBytes(OcspChecker.FileNameFor(leaf.Certificate), Respond(leaf, intermediate, intermediate.Keys.Private, new RevokedStatus(Now.UtcDateTime.AddDays(-1), CrlReason.Superseded)));
        Assert.Equal(RevocationStatus.Revoked, OcspChecker.Check(path, dir.Path, Now).Status);
    }

    [Fact]
    public void Garbage_response_file_is_invalid_not_an_exception()
    {
        var (root, intermediate, _) = Ca();

        Assert.Equal(RevocationStatus.Invalid, OcspChecker.CheckOne(intermediate.Certificate, root.Certificate, [1, 2, 3], Now).Status);
    }
}
