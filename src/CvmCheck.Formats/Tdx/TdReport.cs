using System.Buffers.Binary;

namespace CvmCheck.Formats.Tdx;

/// <summary>
/// The 1024-byte TDREPORT_STRUCT (Intel TDX Module ABI spec, "TDREPORT_STRUCT"), as returned by the
/// TDX_CMD_GET_REPORT0 ioctl of /dev/tdx_guest. It is MACed for the local platform, not signed: it
/// proves nothing off the host, but its measurements are the same as in a quote.
/// </summary>
public sealed class TdReport
{
    public const int Length = TdReportLayout.Length;

    private TdReport() { }

    /// <summary>REPORTTYPE.TYPE: 0x81 = TDX.</summary>
    public byte ReportType { get; private init; }

    public byte ReportSubType { get; private init; }

    public byte ReportVersion { get; private init; }

    public byte[] CpuSvn { get; private init; } = [];

    public byte[] ReportData { get; private init; } = [];

    public byte[] Mac { get; private init; } = [];

    public byte[] TeeTcbSvn { get; private init; } = [];

    public byte[] MrSeam { get; private init; } = [];

    public byte[] MrSignerSeam { get; private init; } = [];

    public TdAttributes TdAttributes { get; private init; }

    public byte[] Xfam { get; private init; } = [];

    public byte[] MrTd { get; private init; } = [];

    public byte[] MrConfigId { get; private init; } = [];

    public byte[] MrOwner { get; private init; } = [];

    public byte[] MrOwnerConfig { get; private init; } = [];

    public IReadOnlyList<byte[]> Rtmrs { get; private init; } = [];

    public static bool TryParse(ReadOnlySpan<byte> data, out TdReport? report, out TdxFormatError? error)
    {
        report = null;
        // The ABI fixes TDREPORT_STRUCT at exactly 1024 bytes; a different length is not a TDREPORT.
        if (data.Length != Length)
        {
            error = new(data.Length < Length ? TdxFormatErrorCode.Truncated : TdxFormatErrorCode.TrailingData, "tdreport", Math.Min(data.Length, Length), $"TDREPORT must be {Length} bytes, got {data.Length}");
            return false;
        }

        // REPORTTYPE.TYPE (byte 0): 0x00 = SGX, 0x81 = TDX.
        if (data[TdReportLayout.ReportTypeOffset] != TdxQuote.TeeTypeTdx)
        {
            error = new(TdxFormatErrorCode.UnsupportedTeeType, "reportmacstruct.report_type.type", TdReportLayout.ReportTypeOffset, $"report type 0x{data[0]:x2} is not TDX (0x81)");
            return false;
        }

        var rtmrs = new byte[TdReportBodyLayout.RtmrCount][];
        for (var i = 0; i < rtmrs.Length; i++)
        {
            rtmrs[i] = data.Slice(TdReportLayout.Rtmr0Offset + (i * TdReportBodyLayout.MeasurementLength), TdReportBodyLayout.MeasurementLength).ToArray();
        }

        report = new TdReport
        {
            ReportType = data[TdReportLayout.ReportTypeOffset],
            ReportSubType = data[TdReportLayout.ReportTypeOffset + 1],
            ReportVersion = data[TdReportLayout.ReportTypeOffset + 2],
            CpuSvn = data.Slice(TdReportLayout.CpuSvnOffset, TdReportLayout.CpuSvnLength).ToArray(),
            ReportData = data.Slice(TdReportLayout.ReportDataOffset, TdReportLayout.ReportDataLength).ToArray(),
            Mac = data.Slice(TdReportLayout.MacOffset, TdReportLayout.MacLength).ToArray(),
            TeeTcbSvn = data.Slice(TdReportLayout.TeeTcbSvnOffset, TdReportBodyLayout.TeeTcbSvnLength).ToArray(),
            MrSeam = data.Slice(TdReportLayout.MrSeamOffset, TdReportBodyLayout.MrSeamLength).ToArray(),
            MrSignerSeam = data.Slice(TdReportLayout.MrSignerSeamOffset, TdReportBodyLayout.MrSignerSeamLength).ToArray(),
            TdAttributes = new TdAttributes(BinaryPrimitives.ReadUInt64LittleEndian(data[TdReportLayout.TdAttributesOffset..])),
            Xfam = data.Slice(TdReportLayout.XfamOffset, TdReportBodyLayout.XfamLength).ToArray(),
            MrTd = data.Slice(TdReportLayout.MrTdOffset, TdReportBodyLayout.MeasurementLength).ToArray(),
            MrConfigId = data.Slice(TdReportLayout.MrConfigIdOffset, TdReportBodyLayout.MeasurementLength).ToArray(),
            MrOwner = data.Slice(TdReportLayout.MrOwnerOffset, TdReportBodyLayout.MeasurementLength).ToArray(),
            MrOwnerConfig = data.Slice(TdReportLayout.MrOwnerConfigOffset, TdReportBodyLayout.MeasurementLength).ToArray(),
            Rtmrs = rtmrs,
        };
        error = null;
        return true;
    }

    public static TdReport Parse(ReadOnlySpan<byte> data) =>
        TryParse(data, out var report, out var error) ? report! : throw new TdxFormatException(error!);
}
