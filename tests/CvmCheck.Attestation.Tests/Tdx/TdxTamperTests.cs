using System.Security.Cryptography;
using System.Text;
using CvmCheck.Attestation.Tdx;
using CvmCheck.Formats.Tdx;

namespace CvmCheck.Attestation.Tests.Tdx;

/// <summary>Tampered quotes and collateral: each is rejected with a coded reason.</summary>
public sealed class TdxTamperTests
{
    private const string Set = TdxFixtures.UpToDateV4;

    [Fact]
    public void Quote_with_flipped_signature_byte_is_rejected_with_QuoteSignatureInvalid()
    {
        var bytes = TdxFixtures.QuoteBytes(Set);
        var q = TdxQuote.Parse(bytes);
        bytes[q.SignatureDataOffset + 10] ^= 0xFF;
        var result = TdxQuoteVerifier.Verify(TdxQuote.Parse(bytes), TdxFixtures.Collateral(Set), new TdxVerificationOptions { At = TdxFixtures.Midpoint(Set) });
        Assert.Equal(Verdict.Fail, result.Verdict);
        Assert.False(result.QuoteVerified);
        Assert.Equal(TdxIssueCode.QuoteSignatureInvalid, Assert.Single(result.Issues, i => i.Code != TdxIssueCode.TrailingZeroBytes).Code);
    }

    [Fact]
    public void Every_single_byte_flip_of_the_signed_region_and_the_signature_is_rejected()
    {
        var original = TdxFixtures.QuoteBytes(Set);
        var parsed = TdxQuote.Parse(original);
        var ranges = new[]
        {
            (Start: 0, End: parsed.SignedRegion.Length),
            (Start: parsed.SignatureDataOffset + TdxQuoteLayout.QuoteSignatureOffset, End: parsed.SignatureDataOffset + TdxQuoteLayout.QuoteSignatureLength),
        };
        var flips = 0;
        foreach (var (start, end) in ranges)
        {
            for (var i = start; i < end; i++)
            {
                var bytes = (byte[])original.Clone();
                bytes[i] ^= 0xFF;
                flips++;
                if (!TdxQuote.TryParse(bytes, out var q, out var error))
                {
                    Assert.NotNull(error); // a flipped header field (version, key type, TEE type) is rejected by the parser
                    continue;
                }

                var step = TdxQuoteVerifier.VerifyQuoteSignature(q!);
                Assert.True(step.Status == StepStatus.Fail, $"flip at offset {i} was accepted");
                Assert.Contains(step.Issues, x => x.Code is TdxIssueCode.QuoteSignatureInvalid or TdxIssueCode.AttestationKeyInvalid);
            }
        }

        Assert.Equal(632 + 64, flips);
    }

    [Fact]
    public void Quote_with_flipped_qe_report_byte_is_rejected_with_QeReportSignatureInvalid()
    {
        var bytes = TdxFixtures.QuoteBytes(Set);
        var q = TdxQuote.Parse(bytes);
        bytes[q.QeReportOffset + SgxReportBodyLayout.IsvSvnOffset] ^= 0x01;
        var result = TdxQuoteVerifier.Verify(TdxQuote.Parse(bytes), TdxFixtures.Collateral(Set), new TdxVerificationOptions { At = TdxFixtures.Midpoint(Set) });
        Assert.Contains(result.Issues, i => i.Code == TdxIssueCode.QeReportSignatureInvalid);
        Assert.Equal(Verdict.Fail, result.Verdict);
    }

    [Fact]
    public void Quote_with_flipped_attestation_key_byte_breaks_the_qe_binding_with_QeReportDataMismatch()
    {
        var bytes = TdxFixtures.QuoteBytes(Set);
        var q = TdxQuote.Parse(bytes);
        bytes[q.SignatureDataOffset + TdxQuoteLayout.AttestationKeyOffset + 5] ^= 0x01;
        var result = TdxQuoteVerifier.Verify(TdxQuote.Parse(bytes), TdxFixtures.Collateral(Set), new TdxVerificationOptions { At = TdxFixtures.Midpoint(Set) });
        Assert.Contains(result.Issues, i => i.Code == TdxIssueCode.QeReportDataMismatch);
        Assert.Contains(result.Issues, i => i.Code is TdxIssueCode.QuoteSignatureInvalid or TdxIssueCode.AttestationKeyInvalid);
    }

    [Fact]
    public void Tcb_info_with_a_changed_byte_is_rejected_with_TcbInfoSignatureInvalid()
    {
        var files = TdxFixtures.CollateralFiles(Set);
        files[TdxCollateral.TcbInfoFile] = Replace(files[TdxCollateral.TcbInfoFile], "\"tcbEvaluationDataNumber\":17", "\"tcbEvaluationDataNumber\":18");
        var result = TdxFixtures.Verify(Set, collateral: TdxCollateral.FromFiles(files, "tampered"));
        Assert.Equal(TdxIssueCode.TcbInfoSignatureInvalid, Assert.Single(Failed(result)).Code);
    }

    [Fact]
    public void Qe_identity_with_a_changed_byte_is_rejected_with_QeIdentitySignatureInvalid()
    {
        var files = TdxFixtures.CollateralFiles(Set);
        files[TdxCollateral.QeIdentityFile] = Replace(files[TdxCollateral.QeIdentityFile], "\"tcbEvaluationDataNumber\":17", "\"tcbEvaluationDataNumber\":16");
        var result = TdxFixtures.Verify(Set, collateral: TdxCollateral.FromFiles(files, "tampered"));
        Assert.Equal(TdxIssueCode.QeIdentitySignatureInvalid, Assert.Single(Failed(result)).Code);
    }

    [Fact]
    public void Tcb_info_of_a_different_fmspc_is_rejected_with_FmspcMismatch()
    {
        var result = TdxFixtures.Verify("neg_fmspc_mismatch_dcapqvl_tappd");
        Assert.Contains(Failed(result), i => i.Code == TdxIssueCode.FmspcMismatch);
        Assert.Equal(Verdict.Fail, result.Verdict);
    }

    [Fact]
    public void Collateral_one_second_after_its_window_is_rejected_with_CollateralExpired()
    {
        var result = TdxFixtures.Verify(Set, at: TdxFixtures.ValidUntil(Set).AddSeconds(1));
        Assert.Equal(Verdict.Fail, result.Verdict);
        Assert.Contains(Failed(result), i => i.Code == TdxIssueCode.CollateralExpired);
        Assert.Equal(TcbStatus.UpToDate, result.TcbStatus); // still reported
    }

    [Fact]
    public void Collateral_one_second_before_its_window_is_rejected_with_CollateralNotYetValid()
    {
        var result = TdxFixtures.Verify(Set, at: TdxFixtures.ValidFrom(Set).AddSeconds(-1));
        Assert.Equal(Verdict.Fail, result.Verdict);
        Assert.Contains(Failed(result), i => i.Code == TdxIssueCode.CollateralNotYetValid);
    }

    [Fact]
    public void Collateral_window_edges_are_inclusive()
    {
        Assert.Equal(Verdict.Pass, TdxFixtures.Verify(Set, at: TdxFixtures.ValidFrom(Set)).Verdict);
        Assert.Equal(Verdict.Pass, TdxFixtures.Verify(Set, at: TdxFixtures.ValidUntil(Set)).Verdict);
    }

    [Fact]
    public void Certificates_after_the_root_expires_are_rejected_with_CertificateExpired()
    {
        var result = TdxFixtures.Verify(Set, at: new DateTimeOffset(2050, 1, 1, 0, 0, 0, TimeSpan.Zero));
        Assert.Contains(Failed(result), i => i.Code == TdxIssueCode.CertificateExpired);
    }

    [Fact]
    public void Chain_to_an_unknown_root_is_rejected_with_ChainUntrusted()
    {
        using var ca = new TestCa();
        var result = TdxQuoteVerifier.Verify(TdxFixtures.Quote(Set), TdxFixtures.Collateral(Set), new TdxVerificationOptions { At = TdxFixtures.Midpoint(Set), PinnedRoot = ca.Root });
        Assert.Equal(Verdict.Fail, result.Verdict);
        Assert.Contains(result.Steps.Single(s => s.Name == TdxStepNames.PckChain).Issues, i => i.Code == TdxIssueCode.ChainUntrusted);
        Assert.Contains(result.Steps.Single(s => s.Name == TdxStepNames.TcbInfoSignature).Issues, i => i.Code == TdxIssueCode.ChainUntrusted);
    }

    [Fact]
    public void Root_ca_pem_that_is_not_the_pinned_root_is_rejected_with_RootCaMismatch()
    {
        using var ca = new TestCa();
        var files = TdxFixtures.CollateralFiles(Set);
        files[TdxCollateral.RootCaFile] = Encoding.ASCII.GetBytes(ca.Root.ExportCertificatePem());
        var result = TdxFixtures.Verify(Set, collateral: TdxCollateral.FromFiles(files, "other-root"));
        Assert.Equal(TdxIssueCode.RootCaMismatch, Assert.Single(Failed(result)).Code);
    }

    [Fact]
    public void Empty_tcb_info_file_fails_with_CollateralEmpty()
    {
        var files = TdxFixtures.CollateralFiles(Set);
        files[TdxCollateral.TcbInfoFile] = [];
        var result = TdxFixtures.Verify(Set, collateral: TdxCollateral.FromFiles(files, "empty"));
        Assert.Equal(Verdict.Fail, result.Verdict);
        Assert.Contains(Failed(result), i => i.Code == TdxIssueCode.CollateralEmpty);
    }

    [Fact]
    public void Missing_crl_files_warn_with_RevocationUnchecked_and_the_quote_still_passes_with_warn()
    {
        var files = TdxFixtures.CollateralFiles(Set);
        files.Remove(TdxCollateral.PckCrlFile);
        var result = TdxFixtures.Verify(Set, collateral: TdxCollateral.FromFiles(files, "no-crl"));
        Assert.Equal(Verdict.Warn, result.Verdict);
        Assert.Equal(TdxIssueCode.RevocationUnchecked, Assert.Single(result.Steps.Single(s => s.Name == TdxStepNames.Revocation).Issues).Code);
        Assert.Equal("unchecked", result.ToFacts().Single(f => f.Key == "tdx.collateral.revocation").Value);
    }

    [Theory]
    [InlineData(TdxCollateral.TcbInfoIssuerChainFile, "garbage, not PEM")]
    [InlineData(TdxCollateral.QeIdentityIssuerChainFile, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")]
    [InlineData(TdxCollateral.TcbInfoFile, "{\"tcbInfo\": [1, 2")]
    [InlineData(TdxCollateral.QeIdentityFile, "{\"signature\":\"00\"}")]
    [InlineData(TdxCollateral.PckCrlFile, "not DER")]
    public void Malformed_collateral_file_is_rejected_with_TdxCollateralException_naming_the_file(string file, string content)
    {
        var files = TdxFixtures.CollateralFiles(Set);
        files[file] = Encoding.ASCII.GetBytes(content);
        var e = Assert.Throws<TdxCollateralException>(() => TdxCollateral.FromFiles(files, "dir"));
        Assert.Contains(file, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_tcb_info_is_rejected_with_TdxCollateralException()
    {
        var files = TdxFixtures.CollateralFiles(Set);
        files.Remove(TdxCollateral.TcbInfoFile);
        Assert.Contains(TdxCollateral.TcbInfoFile, Assert.Throws<TdxCollateralException>(() => TdxCollateral.FromFiles(files, "dir")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Report_data_not_bound_to_the_nonce_is_rejected_with_ReportDataMismatch()
    {
        var result = TdxQuoteVerifier.Verify(TdxFixtures.Quote(Set), TdxFixtures.Collateral(Set),
            new TdxVerificationOptions { At = TdxFixtures.Midpoint(Set), ExpectedReportData = SHA512.HashData("nonce"u8) });
        Assert.Equal(TdxIssueCode.ReportDataMismatch, Assert.Single(Failed(result)).Code);
    }

    [Fact]
    public void Report_data_equal_to_the_expected_hash_passes_the_nonce_step()
    {
        var quote = TdxFixtures.Quote(Set);
        var result = TdxQuoteVerifier.Verify(quote, TdxFixtures.Collateral(Set),
            new TdxVerificationOptions { At = TdxFixtures.Midpoint(Set), ExpectedReportData = quote.Body.ReportData });
        Assert.Equal(StepStatus.Pass, result.Steps.Single(s => s.Name == TdxStepNames.ReportDataNonce).Status);
        Assert.Equal(Verdict.Pass, result.Verdict);
    }

    [Fact]
    public void Collateral_is_decoded_once_and_serves_many_quotes()
    {
        var collateral = TdxFixtures.Collateral(Set);
        var at = TdxFixtures.Midpoint(Set);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(Verdict.Pass, TdxQuoteVerifier.Verify(TdxFixtures.Quote(Set), collateral, new TdxVerificationOptions { At = at }).Verdict);
        }
    }

    private static IEnumerable<TdxIssue> Failed(TdxVerificationResult r) => r.Steps.Where(s => s.Status == StepStatus.Fail).SelectMany(s => s.Issues);

    private static byte[] Replace(byte[] utf8, string from, string to)
    {
        var text = Encoding.UTF8.GetString(utf8);
        Assert.Contains(from, text, StringComparison.Ordinal);
        return Encoding.UTF8.GetBytes(text.Replace(from, to, StringComparison.Ordinal));
    }
}
