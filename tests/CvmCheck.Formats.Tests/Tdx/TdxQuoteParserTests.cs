using System.Buffers.Binary;
using System.Text.Json;
using CvmCheck.Formats.Tdx;
using CvmCheck.Testing;

namespace CvmCheck.Formats.Tests.Tdx;

public sealed class TdxQuoteParserTests
{
    public static TheoryData<string> ParsableSets => new()
    {
        "dcapqvl_v4_b0c06f_uptodate", "gotdx_cos_v4_00806f_skiprule", "gotdx_v5_90c06f_uptodate", "neg_debug_trustee_v4_50806f",
        "neg_fmspc_mismatch_dcapqvl_tappd", "neg_nomatch_dcapqvl_v5_90c06f", "neg_tampered_debugbit", "neg_tampered_mrtd", "trustee_v4_00a06d_outofdate",
    };

    private static byte[] Quote(string set) => File.ReadAllBytes(Repo.Fixture("attestation", "tdx", set, "quote.bin"));

    private static JsonElement Expected(string set) =>
        JsonDocument.Parse(File.ReadAllBytes(Repo.Fixture("attestation", "tdx", set, "expected.json"))).RootElement;

    [Theory]
    [MemberData(nameof(ParsableSets))]
    public void Real_quote_parses_to_the_fields_the_independent_checker_read(string set)
    {
        var e = Expected(set);
        Assert.True(TdxQuote.TryParse(Quote(set), out var q, out var error), error?.ToString());
        Assert.Equal(e.GetProperty("version").GetInt32(), q!.Version);
        Assert.Equal(e.GetProperty("body_type").GetInt32(), q.BodyType);
        Assert.Equal(e.GetProperty("signed_len").GetInt32(), q.SignedRegion.Length);
        Assert.Equal(e.GetProperty("sig_data_len").GetInt32(), q.SignatureDataLength);
        Assert.Equal(e.GetProperty("trailing_bytes").GetInt32(), q.TrailingZeroBytes);
        Assert.Equal(e.GetProperty("qe_auth_len").GetInt32(), q.QeAuthData.Length);
        Assert.Equal(e.GetProperty("inner_cert_type").GetInt32(), q.PckCertificationDataType);
        Assert.Equal(e.GetProperty("mrtd").GetString(), Convert.ToHexStringLower(q.Body.MrTd));
        Assert.Equal(e.GetProperty("mrseam").GetString(), Convert.ToHexStringLower(q.Body.MrSeam));
        Assert.Equal(e.GetProperty("mrconfigid").GetString(), Convert.ToHexStringLower(q.Body.MrConfigId));
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(e.GetProperty($"rtmr{i}").GetString(), Convert.ToHexStringLower(q.Body.Rtmrs[i]));
        }

        Assert.Equal(e.GetProperty("report_data").GetString(), Convert.ToHexStringLower(q.Body.ReportData));
        Assert.Equal(e.GetProperty("td_attributes").GetString(), Convert.ToHexStringLower(q.Body.TdAttributesRaw));
        Assert.Equal(e.GetProperty("xfam").GetString(), Convert.ToHexStringLower(q.Body.Xfam));
        Assert.Equal(e.GetProperty("tee_tcb_svn").GetString(), Convert.ToHexStringLower(q.Body.TeeTcbSvn));
        Assert.Equal(e.GetProperty("debug").GetBoolean(), q.Body.TdAttributes.Debug);
        Assert.Equal(e.GetProperty("sept_ve_disable").GetBoolean(), q.Body.TdAttributes.SeptVeDisable);
        Assert.Equal(e.GetProperty("pks").GetBoolean(), q.Body.TdAttributes.Pks);
        Assert.Equal(e.GetProperty("kl").GetBoolean(), q.Body.TdAttributes.KeyLocker);
        Assert.Equal(e.GetProperty("qe_vendor_id").GetString(), Convert.ToHexStringLower(q.QeVendorId));
        Assert.Equal(q.Version == 5, q.Body.TeeTcbSvn2 is not null);
    }

    [Theory]
    [InlineData("neg_truncated_1000", 636)]
    [InlineData("neg_truncated_sigdata", 636)]
    public void Truncated_vector_is_rejected_as_Truncated_at_the_signature_data(string set, int offset)
    {
        Assert.False(TdxQuote.TryParse(Quote(set), out var q, out var error));
        Assert.Null(q);
        Assert.Equal(TdxFormatErrorCode.Truncated, error!.Code);
        Assert.Equal(offset, error.Offset);
        Assert.Contains("4300", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("dcapqvl_v4_b0c06f_uptodate")]
    [InlineData("gotdx_v5_90c06f_uptodate")]
    public void Quote_truncated_at_every_length_is_rejected_with_a_typed_error_and_never_throws(string set)
    {
        var quote = Quote(set);
        TdxQuote.TryParse(quote, out var full, out _);
        var end = full!.SignatureDataOffset + full.SignatureDataLength;
        for (var length = 0; length < end; length++)
        {
            var ok = TdxQuote.TryParse(quote.AsSpan(0, length), out var q, out var error);
            Assert.False(ok, $"length {length} parsed");
            Assert.Null(q);
            Assert.NotNull(error);
            Assert.True(error!.Code is TdxFormatErrorCode.Truncated or TdxFormatErrorCode.LengthMismatch, $"length {length}: {error}");
            Assert.InRange(error.Offset, 0, length);
            var thrown = Assert.Throws<TdxFormatException>(() => TdxQuote.Parse(quote.AsSpan(0, length)));
            Assert.Equal(error, thrown.Error);
        }
    }

    [Theory]
    [InlineData(3)]
    [InlineData(6)]
    [InlineData(0xFFFF)]
    public void Quote_with_unsupported_version_is_rejected_with_UnsupportedVersion(ushort version)
    {
        var quote = Quote("dcapqvl_v4_b0c06f_uptodate");
        BinaryPrimitives.WriteUInt16LittleEndian(quote.AsSpan(TdxQuoteLayout.VersionOffset), version);
        AssertRejected(quote, TdxFormatErrorCode.UnsupportedVersion, TdxQuoteLayout.VersionOffset, "header.version");
    }

    [Fact]
    public void Quote_with_P384_attestation_key_type_is_rejected_with_UnsupportedAttestationKeyType()
    {
        var quote = Quote("dcapqvl_v4_b0c06f_uptodate");
        BinaryPrimitives.WriteUInt16LittleEndian(quote.AsSpan(TdxQuoteLayout.AttestationKeyTypeOffset), 3);
        AssertRejected(quote, TdxFormatErrorCode.UnsupportedAttestationKeyType, TdxQuoteLayout.AttestationKeyTypeOffset, "header.att_key_type");
    }

    [Fact]
    public void Sgx_quote_tee_type_is_rejected_with_UnsupportedTeeType()
    {
        var quote = Quote("dcapqvl_v4_b0c06f_uptodate");
        BinaryPrimitives.WriteUInt32LittleEndian(quote.AsSpan(TdxQuoteLayout.TeeTypeOffset), 0);
        AssertRejected(quote, TdxFormatErrorCode.UnsupportedTeeType, TdxQuoteLayout.TeeTypeOffset, "header.tee_type");
    }

    [Fact]
    public void V5_quote_with_sgx_body_type_is_rejected_with_UnsupportedBodyType()
    {
        var quote = Quote("gotdx_v5_90c06f_uptodate");
        BinaryPrimitives.WriteUInt16LittleEndian(quote.AsSpan(TdxQuoteLayout.V5BodyTypeOffset), 1);
        AssertRejected(quote, TdxFormatErrorCode.UnsupportedBodyType, TdxQuoteLayout.V5BodyTypeOffset, "body.type");
    }

    [Fact]
    public void V5_quote_whose_body_size_disagrees_with_its_type_is_rejected_with_LengthMismatch()
    {
        var quote = Quote("gotdx_v5_90c06f_uptodate");
        BinaryPrimitives.WriteUInt32LittleEndian(quote.AsSpan(TdxQuoteLayout.V5BodySizeOffset), TdReportBodyLayout.Tdx10Length);
        AssertRejected(quote, TdxFormatErrorCode.LengthMismatch, TdxQuoteLayout.V5BodySizeOffset, "body.size");
    }

    [Fact]
    public void Certification_data_of_type_5_instead_of_6_is_rejected_with_UnsupportedCertificationDataType()
    {
        var quote = Quote("dcapqvl_v4_b0c06f_uptodate");
        var at = 636 + TdxQuoteLayout.CertificationDataTypeOffset;
        BinaryPrimitives.WriteUInt16LittleEndian(quote.AsSpan(at), 5);
        AssertRejected(quote, TdxFormatErrorCode.UnsupportedCertificationDataType, at, "certification_data.type");
    }

    [Fact]
    public void Inner_certification_data_of_type_4_instead_of_5_is_rejected_with_UnsupportedCertificationDataType()
    {
        var quote = Quote("dcapqvl_v4_b0c06f_uptodate");
        const int at = 1252; // LAYOUT.md: inner type 5 at 1252 in this quote
        Assert.Equal(5, BinaryPrimitives.ReadUInt16LittleEndian(quote.AsSpan(at)));
        BinaryPrimitives.WriteUInt16LittleEndian(quote.AsSpan(at), 4);
        AssertRejected(quote, TdxFormatErrorCode.UnsupportedCertificationDataType, at, "qe_certification_data.type");
    }

    [Fact]
    public void Certification_data_size_larger_than_the_signature_data_is_rejected_with_LengthMismatch()
    {
        var quote = Quote("dcapqvl_v4_b0c06f_uptodate");
        var at = 636 + TdxQuoteLayout.CertificationDataSizeOffset;
        BinaryPrimitives.WriteUInt32LittleEndian(quote.AsSpan(at), BinaryPrimitives.ReadUInt32LittleEndian(quote.AsSpan(at)) + 1);
        AssertRejected(quote, TdxFormatErrorCode.LengthMismatch, at, "certification_data.size");
    }

    [Fact]
    public void Non_zero_byte_after_the_signature_data_is_rejected_with_TrailingData()
    {
        var quote = Quote("dcapqvl_v4_b0c06f_uptodate");
        quote[^1] = 0x01;
        AssertRejected(quote, TdxFormatErrorCode.TrailingData, quote.Length - 1, "trailing data");
    }

    [Fact]
    public void Zero_padding_after_the_signature_data_is_counted_not_rejected()
    {
        var quote = Quote("gotdx_cos_v4_00806f_skiprule");
        var q = TdxQuote.Parse(quote);
        Assert.Equal(3065, q.TrailingZeroBytes);
        Assert.Equal(8000, q.SignatureDataOffset + q.SignatureDataLength + q.TrailingZeroBytes);
    }

    [Fact]
    public void Layout_offsets_match_the_intel_quote_format()
    {
        // Intel TDX DCAP QL API, quote format appendix; LAYOUT.md absolute offsets for v4.
        Assert.Equal(48, TdxQuoteLayout.HeaderLength);
        Assert.Equal(54, TdxQuoteLayout.V5BodyOffset);
        Assert.Equal(584, TdReportBodyLayout.Tdx10Length);
        Assert.Equal(648, TdReportBodyLayout.Tdx15Length);
        Assert.Equal(184, TdxQuoteLayout.V4BodyOffset + TdReportBodyLayout.MrTdOffset);
        Assert.Equal(168, TdxQuoteLayout.V4BodyOffset + TdReportBodyLayout.TdAttributesOffset);
        Assert.Equal(568, TdxQuoteLayout.V4BodyOffset + TdReportBodyLayout.ReportDataOffset);
        Assert.Equal(134, TdxQuoteLayout.CertificationDataOffset);
        Assert.Equal(450, TdxQuoteLayout.QeAuthDataOffset);
        Assert.Equal(384, SgxReportBodyLayout.Length);
        Assert.Equal(1024, TdReportLayout.Length);
        Assert.Equal(512, TdReportLayout.TdInfoOffset);
    }

    private static void AssertRejected(byte[] quote, TdxFormatErrorCode code, int offset, string field)
    {
        Assert.False(TdxQuote.TryParse(quote, out var q, out var error));
        Assert.Null(q);
        Assert.Equal(code, error!.Code);
        Assert.Equal(offset, error.Offset);
        Assert.Equal(field, error.Field);
        Assert.Equal(code, Assert.Throws<TdxFormatException>(() => TdxQuote.Parse(quote)).Error.Code);
    }
}
