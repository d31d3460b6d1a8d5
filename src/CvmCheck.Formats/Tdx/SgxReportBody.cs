using System.Buffers.Binary;

namespace CvmCheck.Formats.Tdx;

/// <summary>An SGX report body (the Quoting Enclave's report inside a TDX quote), 384 bytes.</summary>
public sealed class SgxReportBody
{
    private SgxReportBody(ReadOnlySpan<byte> raw)
    {
        Raw = raw[..SgxReportBodyLayout.Length].ToArray();
        CpuSvn = raw.Slice(SgxReportBodyLayout.CpuSvnOffset, SgxReportBodyLayout.CpuSvnLength).ToArray();
        MiscSelect = BinaryPrimitives.ReadUInt32LittleEndian(raw[SgxReportBodyLayout.MiscSelectOffset..]);
        Attributes = raw.Slice(SgxReportBodyLayout.AttributesOffset, SgxReportBodyLayout.AttributesLength).ToArray();
        MrEnclave = raw.Slice(SgxReportBodyLayout.MrEnclaveOffset, SgxReportBodyLayout.MrEnclaveLength).ToArray();
        MrSigner = raw.Slice(SgxReportBodyLayout.MrSignerOffset, SgxReportBodyLayout.MrSignerLength).ToArray();
        IsvProdId = BinaryPrimitives.ReadUInt16LittleEndian(raw[SgxReportBodyLayout.IsvProdIdOffset..]);
        IsvSvn = BinaryPrimitives.ReadUInt16LittleEndian(raw[SgxReportBodyLayout.IsvSvnOffset..]);
        ReportData = raw.Slice(SgxReportBodyLayout.ReportDataOffset, SgxReportBodyLayout.ReportDataLength).ToArray();
    }

    internal static SgxReportBody FromExact(ReadOnlySpan<byte> raw) => new(raw);

    /// <summary>The 384 bytes as signed by the PCK key.</summary>
    public byte[] Raw { get; }

    public byte[] CpuSvn { get; }

    public uint MiscSelect { get; }

    public byte[] Attributes { get; }

    public byte[] MrEnclave { get; }

    public byte[] MrSigner { get; }

    public ushort IsvProdId { get; }

    public ushort IsvSvn { get; }

    public byte[] ReportData { get; }
}
