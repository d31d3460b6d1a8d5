using System.Buffers.Binary;

namespace CvmCheck.Formats.Tdx;

/// <summary>The TD report body of a quote (TDX 1.0, 584 bytes, or TDX 1.5, 648 bytes). Byte fields are copies.</summary>
public sealed class TdReportBody
{
    private TdReportBody(ReadOnlySpan<byte> body)
    {
        TeeTcbSvn = Slice(body, TdReportBodyLayout.TeeTcbSvnOffset, TdReportBodyLayout.TeeTcbSvnLength);
        MrSeam = Slice(body, TdReportBodyLayout.MrSeamOffset, TdReportBodyLayout.MrSeamLength);
        MrSignerSeam = Slice(body, TdReportBodyLayout.MrSignerSeamOffset, TdReportBodyLayout.MrSignerSeamLength);
        SeamAttributes = Slice(body, TdReportBodyLayout.SeamAttributesOffset, TdReportBodyLayout.SeamAttributesLength);
        TdAttributesRaw = Slice(body, TdReportBodyLayout.TdAttributesOffset, TdReportBodyLayout.TdAttributesLength);
        TdAttributes = new TdAttributes(BinaryPrimitives.ReadUInt64LittleEndian(TdAttributesRaw));
        Xfam = Slice(body, TdReportBodyLayout.XfamOffset, TdReportBodyLayout.XfamLength);
        MrTd = Slice(body, TdReportBodyLayout.MrTdOffset, TdReportBodyLayout.MeasurementLength);
        MrConfigId = Slice(body, TdReportBodyLayout.MrConfigIdOffset, TdReportBodyLayout.MeasurementLength);
        MrOwner = Slice(body, TdReportBodyLayout.MrOwnerOffset, TdReportBodyLayout.MeasurementLength);
        MrOwnerConfig = Slice(body, TdReportBodyLayout.MrOwnerConfigOffset, TdReportBodyLayout.MeasurementLength);
        var rtmrs = new byte[TdReportBodyLayout.RtmrCount][];
        for (var i = 0; i < rtmrs.Length; i++)
        {
            rtmrs[i] = Slice(body, TdReportBodyLayout.Rtmr0Offset + (i * TdReportBodyLayout.MeasurementLength), TdReportBodyLayout.MeasurementLength);
        }

        Rtmrs = rtmrs;
        ReportData = Slice(body, TdReportBodyLayout.ReportDataOffset, TdReportBodyLayout.ReportDataLength);
        if (body.Length >= TdReportBodyLayout.Tdx15Length)
        {
            TeeTcbSvn2 = Slice(body, TdReportBodyLayout.TeeTcbSvn2Offset, TdReportBodyLayout.TeeTcbSvnLength);
            MrServiceTd = Slice(body, TdReportBodyLayout.MrServiceTdOffset, TdReportBodyLayout.MeasurementLength);
        }
    }

    /// <summary>Builds a body from exactly 584 or 648 bytes (the caller has checked the length).</summary>
    internal static TdReportBody FromExact(ReadOnlySpan<byte> body) => new(body);

    /// <summary>TEE_TCB_SVN: byte 0 TDX module SVN (minor), byte 1 module major version, bytes 2.. other TDX TCB components.</summary>
    public byte[] TeeTcbSvn { get; }

    public byte[] MrSeam { get; }

    public byte[] MrSignerSeam { get; }

    public byte[] SeamAttributes { get; }

    public byte[] TdAttributesRaw { get; }

    public TdAttributes TdAttributes { get; }

    /// <summary>XFAM as it appears in the report (8 bytes, little-endian).</summary>
    public byte[] Xfam { get; }

    public byte[] MrTd { get; }

    public byte[] MrConfigId { get; }

    public byte[] MrOwner { get; }

    public byte[] MrOwnerConfig { get; }

    public IReadOnlyList<byte[]> Rtmrs { get; }

    public byte[] ReportData { get; }

    /// <summary>TDX 1.5 only (quote v5 body type 3); null otherwise.</summary>
    public byte[]? TeeTcbSvn2 { get; }

    /// <summary>TDX 1.5 only; null otherwise.</summary>
    public byte[]? MrServiceTd { get; }

    private static byte[] Slice(ReadOnlySpan<byte> s, int offset, int length) => s.Slice(offset, length).ToArray();
}
