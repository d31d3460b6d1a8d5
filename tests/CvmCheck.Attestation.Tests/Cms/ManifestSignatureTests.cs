using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using CvmCheck.Attestation.Cms;
using CvmCheck.Testing;

namespace CvmCheck.Attestation.Tests.Cms;

/// <summary>Detached CMS signatures over manifests, against certificate authorities built at run time.</summary>
public sealed class ManifestSignatureTests
{
    private static readonly byte[] Manifest = Encoding.UTF8.GetBytes("{\"schema\": \"cvmcheck/manifest/v1\"}\n");
    private static readonly DateTimeOffset SigningTime = DateTimeOffset.UtcNow.AddMinutes(-5);

    [Theory]
    [InlineData(TestKeyKind.Rsa, TestKeyKind.Rsa)]
    [InlineData(TestKeyKind.Ecdsa, TestKeyKind.Ecdsa)]
    [InlineData(TestKeyKind.Rsa, TestKeyKind.Ecdsa)]
    [InlineData(TestKeyKind.Ecdsa, TestKeyKind.Rsa)]
    public void Signer_issued_by_a_trusted_root_is_valid_for_rsa_and_ecdsa(TestKeyKind rootKind, TestKeyKind leafKind)
    {
        var root = TestCertificateAuthority.CreateRoot(kind: rootKind);
        var leaf = root.IssueLeaf(kind: leafKind);

        var result = ManifestSignatureVerifier.Verify(Manifest, ManifestSigner.Sign(Manifest, leaf, SigningTime), [root.PublicCertificate]);

        Assert.Equal(ManifestSignatureStatus.Valid, result.Status);
        Assert.Empty(result.Issues);
        Assert.Equal(leaf.Thumbprint, result.Signer!.Thumbprint);
        Assert.Equal(SigningTime.ToUnixTimeSeconds(), result.SigningTime!.Value.ToUnixTimeSeconds());
    }

    [Fact]
    public void Real_world_chain_root_intermediate_codesigning_leaf_verifies_with_the_intermediate_carried_in_the_signature()
    {
        var root = TestCertificateAuthority.CreateRoot("Example Corp Root CA", TestKeyKind.Rsa);
        var intermediate = root.CreateIntermediate("Example Corp Code Signing CA", TestKeyKind.Ecdsa);
        var leaf = intermediate.IssueLeaf("fleet-attestor.example.com", TestKeyKind.Ecdsa,
            keyUsage: X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation);

        var signature = ManifestSigner.Sign(Manifest, leaf, SigningTime, [intermediate.PublicCertificate]);
        var result = ManifestSignatureVerifier.Verify(Manifest, signature, [root.PublicCertificate]);

        Assert.Equal(ManifestSignatureStatus.Valid, result.Status);
        var withoutIntermediate = ManifestSignatureVerifier.Verify(Manifest, ManifestSigner.Sign(Manifest, leaf, SigningTime), [root.PublicCertificate]);
        Assert.Equal(ManifestSignatureStatus.Untrusted, withoutIntermediate.Status);
    }

    [Fact]
    public void Signature_is_detached_sha384_with_signing_time_and_only_the_signer_certificate()
    {
        var root = TestCertificateAuthority.CreateRoot();
        var leaf = root.IssueLeaf();
        var cms = new SignedCms(new ContentInfo(Manifest), detached: true);

        cms.Decode(ManifestSigner.Sign(Manifest, leaf, SigningTime));

        Assert.True(cms.Detached);
        var signer = Assert.Single(cms.SignerInfos.Cast<SignerInfo>());
        Assert.Equal(ManifestSigner.Sha384Oid, signer.DigestAlgorithm.Value);
        Assert.Contains(signer.SignedAttributes.Cast<CryptographicAttributeObject>(), a => a.Oid.Value == "1.2.840.113549.1.9.5");
        Assert.Equal(leaf.Thumbprint, Assert.Single(cms.Certificates.Cast<X509Certificate2>()).Thumbprint);
    }

    [Fact]
    public void Valid_signature_over_a_different_manifest_is_invalid()
    {
        var root = TestCertificateAuthority.CreateRoot();
        var signature = ManifestSigner.Sign(Encoding.UTF8.GetBytes("{\"other\": true}"), root.IssueLeaf(), SigningTime);

        var result = ManifestSignatureVerifier.Verify(Manifest, signature, [root.PublicCertificate]);

        Assert.Equal(ManifestSignatureStatus.Invalid, result.Status);
        Assert.Contains(result.Issues, i => i.Code == "cms.signature");
    }

    [Fact]
    public void Signer_from_another_authority_is_untrusted_and_the_issue_names_the_signer()
    {
        var trusted = TestCertificateAuthority.CreateRoot("trusted root");
        var other = TestCertificateAuthority.CreateRoot("attacker root");
        var leaf = other.IssueLeaf("attacker signer");

        var result = ManifestSignatureVerifier.Verify(Manifest, ManifestSigner.Sign(Manifest, leaf, SigningTime), [trusted.PublicCertificate]);

        Assert.Equal(ManifestSignatureStatus.Untrusted, result.Status);
        Assert.Contains(result.Issues, i => i.Code == "chain.untrusted" && i.Message.Contains("attacker signer", StringComparison.Ordinal));
    }

    [Fact]
    public void Without_any_trust_anchor_a_sound_signature_is_untrusted()
    {
        var root = TestCertificateAuthority.CreateRoot();

        var result = ManifestSignatureVerifier.Verify(Manifest, ManifestSigner.Sign(Manifest, root.IssueLeaf(), SigningTime), []);

        Assert.Equal(ManifestSignatureStatus.Untrusted, result.Status);
        Assert.Equal("chain.no-anchor", Assert.Single(result.Issues).Code);
    }

    [Fact]
    public void Chain_is_judged_at_the_signing_time_unless_a_time_is_given()
    {
        var root = TestCertificateAuthority.CreateRoot(notBefore: DateTimeOffset.UtcNow.AddDays(-30));
        var leaf = root.IssueLeaf(notBefore: DateTimeOffset.UtcNow.AddDays(-10), notAfter: DateTimeOffset.UtcNow.AddDays(-2));
        var signature = ManifestSigner.Sign(Manifest, leaf, DateTimeOffset.UtcNow.AddDays(-5));

        Assert.Equal(ManifestSignatureStatus.Valid, ManifestSignatureVerifier.Verify(Manifest, signature, [root.PublicCertificate]).Status);
        var later = ManifestSignatureVerifier.Verify(Manifest, signature, [root.PublicCertificate], DateTimeOffset.UtcNow);
        Assert.Equal(ManifestSignatureStatus.Untrusted, later.Status);
        Assert.Contains("NotTimeValid", Assert.Single(later.Issues).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Leaf_for_tls_servers_only_is_not_a_manifest_signer()
    {
        var root = TestCertificateAuthority.CreateRoot();
        var leaf = root.IssueLeaf(extendedKeyUsages: ["1.3.6.1.5.5.7.3.1"]);

        var result = ManifestSignatureVerifier.Verify(Manifest, ManifestSigner.Sign(Manifest, leaf, SigningTime), [root.PublicCertificate]);

        Assert.Equal(ManifestSignatureStatus.Untrusted, result.Status);
        Assert.Contains(result.Issues, i => i.Code == "cert.extended-key-usage");
    }

    [Fact]
    public void Leaf_whose_key_usage_excludes_signatures_is_not_a_manifest_signer()
    {
        var root = TestCertificateAuthority.CreateRoot();
        var leaf = root.IssueLeaf(keyUsage: X509KeyUsageFlags.KeyEncipherment, kind: TestKeyKind.Rsa);

        var result = ManifestSignatureVerifier.Verify(Manifest, ManifestSigner.Sign(Manifest, leaf, SigningTime), [root.PublicCertificate]);

        Assert.Contains(result.Issues, i => i.Code == "cert.key-usage");
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 0x30, 0x03, 0x02, 0x01, 0x01 })]
    [InlineData(new byte[] { 0x7b, 0x7d })]
    public void Bytes_that_are_not_cms_are_malformed(byte[] signature)
    {
        var result = ManifestSignatureVerifier.Verify(Manifest, signature, []);

        Assert.Equal(ManifestSignatureStatus.Malformed, result.Status);
    }

    [Fact]
    public void Every_single_byte_flip_of_a_signature_is_never_valid()
    {
        var root = TestCertificateAuthority.CreateRoot();
        var signature = ManifestSigner.Sign(Manifest, root.IssueLeaf(), SigningTime);

        var stillValid = new List<int>();
        for (var i = 0; i < signature.Length; i++)
        {
            var flipped = (byte[])signature.Clone();
            flipped[i] ^= 0xff;
            if (ManifestSignatureVerifier.Verify(Manifest, flipped, [root.PublicCertificate]).Status == ManifestSignatureStatus.Valid)
            {
                stillValid.Add(i);
            }
        }

        Assert.True(stillValid.Count == 0, $"flips still valid at {string.Join(",", stillValid)} of {signature.Length}: {Convert.ToHexString(signature)}");
    }

    [Fact]
    public void Pem_signer_with_intermediates_after_the_leaf_loads_both()
    {
        using var dir = new TempDir();
        var root = TestCertificateAuthority.CreateRoot();
        var intermediate = root.CreateIntermediate();
        var leaf = intermediate.IssueLeaf(kind: TestKeyKind.Rsa);
        var certPem = TestCertificateAuthority.WriteCertificatePem(Path.Combine(dir.Path, "signer.pem"), leaf, intermediate.PublicCertificate);
        var keyPem = TestCertificateAuthority.WriteKeyPem(Path.Combine(dir.Path, "signer.key"), leaf);

        var (signer, intermediates) = ManifestSigner.LoadPem(certPem, keyPem);

        Assert.True(signer.HasPrivateKey);
        Assert.Equal(leaf.Thumbprint, signer.Thumbprint);
        Assert.Equal(intermediate.Certificate.Thumbprint, Assert.Single(intermediates).Thumbprint);
        Assert.Equal(ManifestSignatureStatus.Valid,
            ManifestSignatureVerifier.Verify(Manifest, ManifestSigner.Sign(Manifest, signer, SigningTime, intermediates), [root.PublicCertificate]).Status);
    }
}
