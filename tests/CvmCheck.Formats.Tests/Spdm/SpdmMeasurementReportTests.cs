using CsCheck;
using CvmCheck.Formats.Spdm;

namespace CvmCheck.Formats.Tests.Spdm;

public sealed class SpdmMeasurementReportTests
{
    [Theory]
    [MemberData(nameof(SpdmFixtures.Reports), MemberType = typeof(SpdmFixtures))]
    public void Real_report_parses_with_the_expected_header_nonces_and_blocks(string name)
    {
        var expected = SpdmFixtures.ExpectedFor("reports/" + name);
        var bytes = SpdmFixtures.Report(name);

        var report = SpdmMeasurementReport.Parse(bytes);

        Assert.Equal(expected.GetProperty("len").GetInt32(), bytes.Length);
        Assert.Equal(expected.GetProperty("request_nonce").GetString(), Convert.ToHexStringLower(report.RequestNonce.Span));
        Assert.Equal(expected.GetProperty("response_nonce").GetString(), Convert.ToHexStringLower(report.ResponseNonce.Span));
        Assert.Equal(expected.GetProperty("num_blocks").GetInt32(), report.Blocks.Count);
        Assert.Equal(Enumerable.Range(1, report.Blocks.Count).Select(i => (byte)i), report.Blocks.Select(b => b.Index));
        Assert.All(report.Blocks, b => Assert.True(b.IsDigest && b.Value.Length == 48));
        foreach (var digest in expected.GetProperty("block_digests_first3").EnumerateObject())
        {
            Assert.Equal(digest.Value.GetString(), Convert.ToHexStringLower(report.Block(int.Parse(digest.Name, System.Globalization.CultureInfo.InvariantCulture))!.Value.Span));
        }

        Assert.Equal(SpdmLayout.SignatureLength, report.Signature.Length);
        Assert.Equal(bytes.Length - SpdmLayout.SignatureLength, report.SignedBytes.Length);
    }

    [Theory]
    [MemberData(nameof(SpdmFixtures.Reports), MemberType = typeof(SpdmFixtures))]
    public void Real_report_opaque_data_decodes_driver_vbios_sku_and_fwid(string name)
    {
        var opaque = SpdmFixtures.ExpectedFor("reports/" + name).GetProperty("opaque");

        var data = SpdmMeasurementReport.Parse(SpdmFixtures.Report(name)).OpaqueData;

        Assert.Equal(opaque.GetProperty("DRIVER_VERSION").GetString(), data.DriverVersion);
        Assert.Equal(opaque.GetProperty("VBIOS_VERSION").GetString(), data.VbiosVersion);
        Assert.Equal(opaque.GetProperty("PROJECT").GetString(), data.Project);
        Assert.Equal(opaque.GetProperty("PROJECT_SKU").GetString(), data.ProjectSku);
        Assert.Equal(opaque.GetProperty("CHIP_SKU").GetString(), data.ChipSku);
        Assert.Equal(opaque.GetProperty("_types_in_order").EnumerateArray().Select(t => (ushort)t.GetInt32()), data.Fields.Select(f => f.Type));
        var fwid = opaque.TryGetProperty("FWID", out var f) ? f.GetString() : null;
        Assert.Equal(fwid, data.Fwid is { } v ? Convert.ToHexStringLower(v.Span) : null);
        if (opaque.TryGetProperty("PROTECTED_PCIE_STATUS", out var ppcie))
        {
            Assert.Equal(ppcie.GetInt32() == NvidiaOpaqueData.StatusEnabled, data.ProtectedPcieEnabled);
        }

        if (opaque.TryGetProperty("SWITCH_PDI", out var pdi))
        {
            Assert.Equal(pdi.GetString(), string.Concat(data.SwitchPdis));
        }
    }

    [Theory]
    [InlineData("negatives/derived_truncated_tail", SpdmParseError.SignatureTruncated, "response.Signature")]
    [InlineData("negatives/derived_truncated_in_record", SpdmParseError.RecordLengthExceedsData, "response.MeasurementRecordLength")]
    [InlineData("negatives/derived_request_only", SpdmParseError.TooShort, "report")]
    public void Truncated_report_is_rejected_naming_the_field(string dir, SpdmParseError error, string field)
    {
        Assert.False(SpdmMeasurementReport.TryParse(SpdmFixtures.Bytes(dir), out var report, out var failure));

        Assert.Null(report);
        Assert.Equal(error, failure!.Error);
        Assert.Equal(field, failure.Field);
    }

    [Fact]
    public void Derived_tampered_driver_version_still_parses_and_shows_the_tampered_text()
    {
        var report = SpdmMeasurementReport.Parse(SpdmFixtures.Bytes("negatives/derived_tampered_driver_version"));

        Assert.Equal("650.90.07", report.OpaqueData.DriverVersion);
    }

    [Fact]
    public void Every_truncation_of_a_real_report_is_rejected_without_throwing()
    {
        var bytes = SpdmFixtures.Report("h100_550.90.07_vbios_96.00.9F.00.01");
        for (var length = 0; length < bytes.Length; length++)
        {
            Assert.False(SpdmMeasurementReport.TryParse(bytes.AsSpan(0, length), out _, out var failure), $"length {length}");
            Assert.NotEqual(SpdmParseError.None, failure!.Error);
        }
    }

    [Fact]
    public void Arbitrary_bytes_never_make_TryParse_throw()
    {
        var real = SpdmFixtures.Report("h100_590.12_vbios_96.00.A5.00.01_ppcie");
        Gen.Byte.Array[0, 5000].Sample(bytes => SpdmMeasurementReport.TryParse(bytes, out _, out _) || true, iter: 2000);
        Gen.Select(Gen.Int[0, real.Length - 1], Gen.Byte).Sample((i, b) =>
        {
            var copy = (byte[])real.Clone();
            copy[i] = b;
            return SpdmMeasurementReport.TryParse(copy, out var parsed, out var failure) ? parsed.Bytes.Length == copy.Length : failure!.Offset >= 0;
        }, iter: 2000);
    }

    [Fact]
    public void Bytes_after_the_signature_are_rejected_as_trailing()
    {
        var bytes = SpdmFixtures.Report("h100_550.90.07_vbios_96.00.9F.00.01").Append((byte)0).ToArray();

        var e = Assert.Throws<SpdmFormatException>(() => SpdmMeasurementReport.Parse(bytes));

        Assert.Equal(SpdmParseError.TrailingBytes, e.Failure.Error);
        Assert.Equal(bytes.Length - 1, e.Failure.Offset);
    }

    [Fact]
    public void Request_without_the_signature_bit_is_rejected()
    {
        var bytes = SpdmFixtures.Report("h100_550.90.07_vbios_96.00.9F.00.01");
        bytes[SpdmLayout.RequestParam1Offset] = 0;

        Assert.False(SpdmMeasurementReport.TryParse(bytes, out _, out var failure));

        Assert.Equal(SpdmParseError.SignatureNotRequested, failure!.Error);
        Assert.Equal(SpdmLayout.RequestParam1Offset, failure.Offset);
    }

    [Theory]
    [InlineData(0x12)]
    [InlineData(0x13)]
    [InlineData(0x20)]
    public void Spdm_versions_with_another_signing_layout_are_rejected_as_unsupported(byte version)
    {
        var bytes = SpdmFixtures.Report("h100_550.90.07_vbios_96.00.9F.00.01");
        bytes[SpdmLayout.RequestVersionOffset] = version;

        Assert.False(SpdmMeasurementReport.TryParse(bytes, out _, out var failure));

        Assert.Equal(SpdmParseError.UnsupportedVersion, failure!.Error);
    }

    [Fact]
    public void Response_code_other_than_MEASUREMENTS_is_rejected_at_its_offset()
    {
        var bytes = SpdmFixtures.Report("h100_550.90.07_vbios_96.00.9F.00.01");
        bytes[SpdmLayout.RequestLength + SpdmLayout.ResponseCodeOffset] = 0x7F; // SPDM ERROR

        Assert.False(SpdmMeasurementReport.TryParse(bytes, out _, out var failure));

        Assert.Equal(SpdmParseError.UnexpectedResponseCode, failure!.Error);
        Assert.Equal(SpdmLayout.RequestLength + SpdmLayout.ResponseCodeOffset, failure.Offset);
    }

    [Fact]
    public void Hex_text_and_raw_binary_files_decode_to_the_same_report()
    {
        var raw = SpdmFixtures.Report("gb100_575.32_vbios_97.00.88.00.0F");
        var hexWithNewlines = System.Text.Encoding.ASCII.GetBytes(Convert.ToHexStringLower(raw).Insert(100, "\n") + "\r\n");

        Assert.Equal(raw, SpdmReportFile.Decode(raw));
        Assert.Equal(raw, SpdmReportFile.Decode(hexWithNewlines));
    }

    [Fact]
    public void Layout_offsets_add_up_to_the_documented_sizes()
    {
        Assert.Equal(37, SpdmLayout.RequestLength);
        Assert.Equal(8, SpdmLayout.ResponseRecordOffset);
        Assert.Equal(4, SpdmLayout.RequestNonceOffset);
    }
}
