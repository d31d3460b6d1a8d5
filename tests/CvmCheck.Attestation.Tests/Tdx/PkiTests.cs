using System.Security.Cryptography.X509Certificates;
using CvmCheck.Attestation.Pki;
using CvmCheck.Attestation.Tdx;

namespace CvmCheck.Attestation.Tests.Tdx;

/// <summary>The generic chain-to-pinned-root and CRL helpers, against a run-time CA.</summary>
public sealed class PkiTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    [Fact]
    public void Chain_to_the_pinned_root_is_trusted()
    {
        using var ca = new TestCa();
        var result = PinnedChainValidator.Validate(ca.Leaf, [ca.Intermediate, ca.Root], ca.Root, Now);
        Assert.True(result.IsTrusted, string.Join("; ", result.Issues));
        Assert.Equal(3, result.Path.Count);
    }

    [Fact]
    public void Chain_to_a_root_that_is_not_pinned_is_rejected_with_UntrustedRoot()
    {
        using var ca = new TestCa();
        using var other = new TestCa("other");
        var result = PinnedChainValidator.Validate(ca.Leaf, [ca.Intermediate, ca.Root], other.Root, Now);
        Assert.Contains(result.Issues, i => i.Code == PkiIssueCode.UntrustedRoot);
    }

    [Fact]
    public void Chain_whose_root_has_the_pinned_name_but_another_key_is_rejected_with_SignatureInvalid()
    {
        using var ca = new TestCa();
        using var impostor = new TestCa(); // same names, different keys
        var result = PinnedChainValidator.Validate(ca.Leaf, [ca.Intermediate], impostor.Root, Now);
        Assert.Contains(result.Issues, i => i.Code == PkiIssueCode.SignatureInvalid);
    }

    [Fact]
    public void Chain_missing_its_intermediate_is_rejected_with_IssuerNotFound()
    {
        using var ca = new TestCa();
        var result = PinnedChainValidator.Validate(ca.Leaf, [], ca.Root, Now);
        Assert.Equal(PkiIssueCode.IssuerNotFound, Assert.Single(result.Issues).Code);
    }

    [Fact]
    public void Expired_and_not_yet_valid_certificates_are_rejected_at_the_injected_time()
    {
        using var ca = new TestCa(notBefore: Now.AddDays(-10), notAfter: Now.AddDays(10));
        Assert.Contains(PinnedChainValidator.Validate(ca.Leaf, [ca.Intermediate], ca.Root, Now.AddDays(11)).Issues, i => i.Code == PkiIssueCode.Expired);
        Assert.Contains(PinnedChainValidator.Validate(ca.Leaf, [ca.Intermediate], ca.Root, Now.AddDays(-11)).Issues, i => i.Code == PkiIssueCode.NotYetValid);
    }

    [Fact]
    public void Crl_listing_the_leaf_marks_it_revoked_and_validates_against_its_issuer()
    {
        using var ca = new TestCa();
        var crl = RevocationList.Decode(TestCa.Crl(ca.Intermediate, ca.IntermediateKey, Now.AddHours(-1), Now.AddDays(30), ca.Leaf), "test.crl");
        Assert.Empty(crl.Validate(ca.Intermediate, Now));
        Assert.True(crl.IsRevoked(ca.Leaf));
        Assert.False(crl.IsRevoked(ca.Intermediate));
        Assert.Equal(1, crl.RevokedCount);
    }

    [Fact]
    public void Crl_past_its_nextUpdate_is_Expired_and_one_from_another_issuer_is_rejected()
    {
        using var ca = new TestCa();
        var crl = RevocationList.Decode(TestCa.Crl(ca.Intermediate, ca.IntermediateKey, Now.AddDays(-40), Now.AddDays(-10)), "old.crl");
        Assert.Contains(crl.Validate(ca.Intermediate, Now), i => i.Code == PkiIssueCode.Expired);
        var issues = crl.Validate(ca.Root, Now.AddDays(-20));
        Assert.Contains(issues, i => i.Code == PkiIssueCode.CrlIssuerMismatch);
        Assert.Contains(issues, i => i.Code == PkiIssueCode.SignatureInvalid);
    }

    [Fact]
    public void Pck_listed_in_the_pck_crl_is_rejected_with_PckRevoked()
    {
        using var ca = new TestCa();
        var pckCrl = RevocationList.Decode(TestCa.Crl(ca.Intermediate, ca.IntermediateKey, Now.AddHours(-1), Now.AddDays(30), ca.Leaf), "pck_crl.der");
        var rootCrl = RevocationList.Decode(TestCa.Crl(ca.Root, ca.RootKey, Now.AddHours(-1), Now.AddDays(30)), "root_ca_crl.der");
        var step = TdxQuoteVerifier.CheckRevocation(ca.Leaf, ca.Intermediate, pckCrl, rootCrl, ca.Root, Now, out var isChecked);
        Assert.Equal(StepStatus.Fail, step.Status);
        Assert.Equal(TdxIssueCode.PckRevoked, Assert.Single(step.Issues).Code);
        Assert.True(isChecked);
    }

    [Fact]
    public void Platform_ca_listed_in_the_root_crl_is_rejected_with_IntermediateRevoked()
    {
        using var ca = new TestCa();
        var pckCrl = RevocationList.Decode(TestCa.Crl(ca.Intermediate, ca.IntermediateKey, Now.AddHours(-1), Now.AddDays(30)), "pck_crl.der");
        var rootCrl = RevocationList.Decode(TestCa.Crl(ca.Root, ca.RootKey, Now.AddHours(-1), Now.AddDays(30), ca.Intermediate), "root_ca_crl.der");
        var step = TdxQuoteVerifier.CheckRevocation(ca.Leaf, ca.Intermediate, pckCrl, rootCrl, ca.Root, Now, out _);
        Assert.Equal(TdxIssueCode.IntermediateRevoked, Assert.Single(step.Issues).Code);
    }

    [Fact]
    public void Empty_but_expired_pck_crl_is_not_accepted_unlike_some_peer_verifiers()
    {
        using var ca = new TestCa();
        var pckCrl = RevocationList.Decode(TestCa.Crl(ca.Intermediate, ca.IntermediateKey, Now.AddDays(-40), Now.AddDays(-1)), "pck_crl.der");
        var rootCrl = RevocationList.Decode(TestCa.Crl(ca.Root, ca.RootKey, Now.AddHours(-1), Now.AddDays(30)), "root_ca_crl.der");
        var step = TdxQuoteVerifier.CheckRevocation(ca.Leaf, ca.Intermediate, pckCrl, rootCrl, ca.Root, Now, out var isChecked);
        Assert.Equal(StepStatus.Fail, step.Status);
        Assert.Equal(TdxIssueCode.CollateralExpired, Assert.Single(step.Issues).Code);
        Assert.False(isChecked);
    }

    [Fact]
    public void Pck_crl_signed_by_another_key_is_rejected_with_CrlInvalid()
    {
        using var ca = new TestCa();
        using var other = new TestCa();
        var forged = RevocationList.Decode(TestCa.Crl(other.Intermediate, other.IntermediateKey, Now.AddHours(-1), Now.AddDays(30)), "pck_crl.der");
        var rootCrl = RevocationList.Decode(TestCa.Crl(ca.Root, ca.RootKey, Now.AddHours(-1), Now.AddDays(30)), "root_ca_crl.der");
        var step = TdxQuoteVerifier.CheckRevocation(ca.Leaf, ca.Intermediate, forged, rootCrl, ca.Root, Now, out _);
        Assert.Equal(TdxIssueCode.CrlInvalid, Assert.Single(step.Issues).Code);
    }

    [Fact]
    public void Pem_garbage_is_rejected_with_PkiFormatException_naming_the_source()
    {
        var e = Assert.Throws<PkiFormatException>(() => PemCertificates.Read("not a certificate".AsSpan(), "chain.pem"));
        Assert.Contains("chain.pem", e.Message, StringComparison.Ordinal);
        Assert.Throws<PkiFormatException>(() => PemCertificates.Read("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n".AsSpan(), "chain.pem"));
    }

    [Fact]
    public void Embedded_intel_root_is_the_published_intel_sgx_root_ca()
    {
        var root = IntelSgxRootCa.Certificate;
        Assert.Equal(IntelSgxRootCa.Sha256Fingerprint, root.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256));
        Assert.Equal("Intel SGX Root CA", root.GetNameInfo(X509NameType.SimpleName, false));
    }
}
