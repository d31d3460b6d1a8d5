using CvmCheck.Formats.Tdx;

namespace CvmCheck.Formats.Tests.Tdx;

/// <summary>No real TDREPORT is available off a TDX host, so these use a synthetic 1024-byte report whose
/// every field holds a distinct byte value: a field read from the wrong offset would show the wrong value.</summary>
public sealed class TdReportTests
{
    private static byte[] Synthetic()
    {
        var r = new byte[TdReportLayout.Length];
        r[TdReportLayout.ReportTypeOffset] = 0x81;
        r[TdReportLayout.ReportTypeOffset + 2] = 1;
        r.AsSpan(TdReportLayout.ReportDataOffset, 64).Fill(0xD1);
        r.AsSpan(TdReportLayout.TeeTcbSvnOffset, 16).Fill(0x05);
        r.AsSpan(TdReportLayout.MrSeamOffset, 48).Fill(0x5E);
        r[TdReportLayout.TdAttributesOffset] = 0x01; // DEBUG
        r[TdReportLayout.TdAttributesOffset + 3] = 0x10; // bit 28 SEPT_VE_DISABLE
        r.AsSpan(TdReportLayout.XfamOffset, 8).Fill(0xE7);
        r.AsSpan(TdReportLayout.MrTdOffset, 48).Fill(0x7D);
        r.AsSpan(TdReportLayout.MrConfigIdOffset, 48).Fill(0xC0);
        r.AsSpan(TdReportLayout.MrOwnerOffset, 48).Fill(0x0A);
        r.AsSpan(TdReportLayout.MrOwnerConfigOffset, 48).Fill(0x0C);
        for (var i = 0; i < 4; i++)
        {
            r.AsSpan(TdReportLayout.Rtmr0Offset + (i * 48), 48).Fill((byte)(0xA0 + i));
        }

        r.AsSpan(TdReportLayout.ServTdHashOffset, 48).Fill(0xEE);
        return r;
    }

    [Fact]
    public void TdReport_fields_are_read_from_their_abi_offsets()
    {
        var report = TdReport.Parse(Synthetic());
        Assert.Equal(0x81, report.ReportType);
        Assert.All(report.ReportData, b => Assert.Equal(0xD1, b));
        Assert.All(report.TeeTcbSvn, b => Assert.Equal(0x05, b));
        Assert.All(report.MrSeam, b => Assert.Equal(0x5E, b));
        Assert.True(report.TdAttributes.Debug);
        Assert.True(report.TdAttributes.SeptVeDisable);
        Assert.False(report.TdAttributes.Pks);
        Assert.All(report.Xfam, b => Assert.Equal(0xE7, b));
        Assert.All(report.MrTd, b => Assert.Equal(0x7D, b));
        Assert.All(report.MrConfigId, b => Assert.Equal(0xC0, b));
        Assert.All(report.MrOwner, b => Assert.Equal(0x0A, b));
        Assert.All(report.MrOwnerConfig, b => Assert.Equal(0x0C, b));
        for (var i = 0; i < 4; i++)
        {
            Assert.All(report.Rtmrs[i], b => Assert.Equal((byte)(0xA0 + i), b));
        }
    }

    [Theory]
    [InlineData(0, TdxFormatErrorCode.Truncated)]
    [InlineData(1023, TdxFormatErrorCode.Truncated)]
    [InlineData(1025, TdxFormatErrorCode.TrailingData)]
    public void TdReport_of_the_wrong_length_is_rejected(int length, TdxFormatErrorCode code)
    {
        var data = new byte[length];
        if (length > 0)
        {
            data[0] = 0x81;
        }

        Assert.False(TdReport.TryParse(data, out var report, out var error));
        Assert.Null(report);
        Assert.Equal(code, error!.Code);
    }

    [Fact]
    public void Sgx_report_type_is_rejected_with_UnsupportedTeeType()
    {
        var data = Synthetic();
        data[0] = 0x00;
        Assert.Equal(TdxFormatErrorCode.UnsupportedTeeType, Assert.Throws<TdxFormatException>(() => TdReport.Parse(data)).Error.Code);
    }

    [Theory]
    [InlineData(0x0000000000000001UL, true, false, false, false, false)]
    [InlineData(0x0000000010000000UL, false, true, false, false, false)]
    [InlineData(0x0000000040000000UL, false, false, true, false, false)]
    [InlineData(0x0000000080000000UL, false, false, false, true, false)]
    [InlineData(0x8000000000000000UL, false, false, false, false, true)]
    public void TdAttributes_bits_decode_per_the_tdx_module_abi(ulong value, bool debug, bool septVe, bool pks, bool kl, bool perfmon)
    {
        var a = new TdAttributes(value);
        Assert.Equal(debug, a.Debug);
        Assert.Equal(septVe, a.SeptVeDisable);
        Assert.Equal(pks, a.Pks);
        Assert.Equal(kl, a.KeyLocker);
        Assert.Equal(perfmon, a.Perfmon);
    }
}
