using CvmCheck.Attestation.Tdx;
using CvmCheck.Formats.Tdx;

namespace CvmCheck.Attestation.Tests.Tdx;

/// <summary>
/// The verifier's caches (decoded PCK chains, certificate/CRL signature outcomes, imported attestation
/// keys, QE report signature outcomes) never change a verdict: a tampered copy verified right after the
/// genuine quote, with every cache warm, still fails, and time-dependent checks run on every call.
/// </summary>
public sealed class TdxCacheTests
{
    private const string Set = TdxFixtures.UpToDateV4;

    private static readonly TdxCollateral SharedCollateral = TdxFixtures.Collateral(Set);

    private static TdxVerificationResult Verify(byte[] quote, DateTimeOffset? at = null) =>
        TdxQuoteVerifier.Verify(TdxQuote.Parse(quote), SharedCollateral, new TdxVerificationOptions { At = at ?? TdxFixtures.Midpoint(Set) });

    private static void AssertPassFailPass(byte[] good, byte[] bad, string what)
    {
        Assert.True(Verify(good).Verdict == Verdict.Pass, $"genuine quote before {what}");
        Assert.True(TdxQuote.TryParse(bad, out var parsed, out _), $"{what}: the tampered copy no longer parses");
        var tampered = TdxQuoteVerifier.Verify(parsed!, SharedCollateral, new TdxVerificationOptions { At = TdxFixtures.Midpoint(Set) });
        Assert.True(tampered.Verdict == Verdict.Fail, $"{what} was accepted with warm caches");
        Assert.False(tampered.QuoteVerified, $"{what} still counts as a verified quote");
        Assert.True(Verify(good).Verdict == Verdict.Pass, $"genuine quote after {what}");
    }

    [Fact]
    public void Genuine_then_flipped_then_genuine_passes_fails_passes_for_a_byte_in_every_signed_part()
    {
        var good = TdxFixtures.QuoteBytes(Set);
        var q = TdxQuote.Parse(good);
        var sig = q.SignatureDataOffset;
        var offsets = new (int Offset, string What)[]
        {
            (q.SignedRegion.Length - 1, "last byte of the TD report body"),
            (200, "MRTD byte"),
            (sig + TdxQuoteLayout.QuoteSignatureOffset + 3, "quote signature byte"),
            (sig + TdxQuoteLayout.AttestationKeyOffset + 40, "attestation key byte"),
            (q.QeReportOffset + SgxReportBodyLayout.ReportDataOffset, "QE REPORTDATA byte"),
            (q.QeReportOffset + SgxReportBodyLayout.IsvSvnOffset, "QE ISVSVN byte"),
            (q.QeReportOffset + SgxReportBodyLayout.Length + 7, "QE report signature byte"),
        };
        foreach (var (offset, what) in offsets)
        {
            var bad = (byte[])good.Clone();
            bad[offset] ^= 0x01;
            AssertPassFailPass(good, bad, $"{what} (offset {offset})");
        }
    }

    [Fact]
    public void Every_single_byte_flip_of_the_qe_report_and_its_signature_fails_between_two_genuine_passes()
    {
        var good = TdxFixtures.QuoteBytes(Set);
        var q = TdxQuote.Parse(good);
        var start = q.QeReportOffset;
        var end = start + SgxReportBodyLayout.Length + TdxQuoteLayout.QeReportSignatureLength;
        for (var i = start; i < end; i++)
        {
            var bad = (byte[])good.Clone();
            bad[i] ^= 0xFF;
            var result = Verify(bad);
            Assert.True(result.Verdict == Verdict.Fail, $"flip at offset {i} was accepted with warm caches");
            Assert.Contains(result.Issues, x => x.Code == TdxIssueCode.QeReportSignatureInvalid);
            Assert.True(Verify(good).Verdict == Verdict.Pass, $"genuine quote after the flip at offset {i}");
        }
    }

    [Fact]
    public void Every_single_byte_flip_of_the_attestation_key_fails_the_quote_signature_between_two_genuine_passes()
    {
        var good = TdxFixtures.QuoteBytes(Set);
        var q = TdxQuote.Parse(good);
        var start = q.SignatureDataOffset + TdxQuoteLayout.AttestationKeyOffset;
        for (var i = start; i < start + 64; i++)
        {
            var bad = (byte[])good.Clone();
            bad[i] ^= 0xFF;
            var step = TdxQuoteVerifier.VerifyQuoteSignature(TdxQuote.Parse(bad));
            Assert.True(step.Status == StepStatus.Fail, $"attestation key flip at offset {i} was accepted");
            Assert.Equal(StepStatus.Pass, TdxQuoteVerifier.VerifyQuoteSignature(TdxQuote.Parse(good)).Status);
        }
    }

    [Fact]
    public void A_changed_pck_certificate_byte_after_a_genuine_pass_is_not_served_from_the_chain_cache()
    {
        var good = TdxFixtures.QuoteBytes(Set);
        var q = TdxQuote.Parse(good);
        var certOffset = good.AsSpan().IndexOf(q.PckCertificationData.AsSpan(0, 64)); // where the PEM lies in the quote
        var pem = System.Text.Encoding.ASCII.GetString(q.PckCertificationData);
        var inLeaf = pem.IndexOf("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal) + 28 + 400; // inside the leaf's base64
        Assert.Equal(q.PckCertificationData[inLeaf], good[certOffset + inLeaf]);
        var bad = (byte[])good.Clone();
        bad[certOffset + inLeaf] = (byte)(good[certOffset + inLeaf] == (byte)'A' ? 'B' : 'A');
        AssertPassFailPass(good, bad, $"PCK leaf base64 character (offset {certOffset + inLeaf})");
    }

    [Fact]
    public void Changing_a_parsed_quote_in_place_after_a_pass_is_not_served_from_the_key_or_chain_caches()
    {
        // The caches keep private copies of their keys: a caller's array changed later is a different key.
        var q = TdxFixtures.Quote(Set);
        var options = new TdxVerificationOptions { At = TdxFixtures.Midpoint(Set) };
        Assert.Equal(Verdict.Pass, TdxQuoteVerifier.Verify(q, SharedCollateral, options).Verdict);

        q.AttestationKey[10] ^= 0x01;
        Assert.Equal(StepStatus.Fail, TdxQuoteVerifier.VerifyQuoteSignature(q).Status);
        q.AttestationKey[10] ^= 0x01;

        var pem = System.Text.Encoding.ASCII.GetString(q.PckCertificationData);
        var inLeaf = pem.IndexOf("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal) + 28 + 400;
        var original = q.PckCertificationData[inLeaf];
        q.PckCertificationData[inLeaf] = (byte)(original == (byte)'A' ? 'B' : 'A');
        Assert.NotEqual(StepStatus.Pass, TdxQuoteVerifier.Verify(q, SharedCollateral, options).Steps.Single(s => s.Name == TdxStepNames.PckChain).Status);
        q.PckCertificationData[inLeaf] = original;
        Assert.Equal(Verdict.Pass, TdxQuoteVerifier.Verify(q, SharedCollateral, options).Verdict);
    }

    [Fact]
    public void A_cache_hit_still_checks_every_validity_window_at_the_given_time()
    {
        var good = TdxFixtures.QuoteBytes(Set);
        Assert.Equal(Verdict.Pass, Verify(good).Verdict); // every cache warm from here on

        var expired = Verify(good, TdxFixtures.ValidUntil(Set).AddSeconds(1));
        Assert.Equal(Verdict.Fail, expired.Verdict);
        Assert.Contains(expired.Issues, i => i.Code == TdxIssueCode.CollateralExpired);

        var early = Verify(good, TdxFixtures.ValidFrom(Set).AddSeconds(-1));
        Assert.Equal(Verdict.Fail, early.Verdict);
        Assert.Contains(early.Issues, i => i.Code == TdxIssueCode.CollateralNotYetValid);

        var late = Verify(good, new DateTimeOffset(2050, 1, 1, 0, 0, 0, TimeSpan.Zero));
        Assert.Contains(late.Steps.Single(s => s.Name == TdxStepNames.PckChain).Issues, i => i.Code == TdxIssueCode.CertificateExpired);
        Assert.Contains(late.Steps.Single(s => s.Name == TdxStepNames.Revocation).Issues, i => i.Code == TdxIssueCode.CollateralExpired);

        var beforePck = Verify(good, new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero));
        Assert.Contains(beforePck.Steps.Single(s => s.Name == TdxStepNames.PckChain).Issues, i => i.Code == TdxIssueCode.CertificateNotYetValid);

        Assert.Equal(Verdict.Pass, Verify(good).Verdict);
    }
}
