namespace CvmCheck.Formats.Tdx;

/// <summary>
/// Byte layout of an Intel TDX quote, version 4 and 5. Sources: Intel "TDX DCAP Quoting Library API",
/// appendix "Quote Format" (A.3 v4 header/body/signature data, A.4 v5 body descriptor), and Intel
/// "SGX ECDSA Quote Library API" (QE report, certification data). All integers are little-endian.
/// Each offset is the previous offset plus its length, so the table cannot drift (like
/// System.Formats.Tar FieldLocations).
/// </summary>
public static class TdxQuoteLayout
{
    // ---- Quote header (48 bytes, identical in v4 and v5) ----
    public const int VersionLength = 2;
    public const int AttestationKeyTypeLength = 2;
    public const int TeeTypeLength = 4;
    public const int QeSvnLength = 2;
    public const int PceSvnLength = 2;
    public const int QeVendorIdLength = 16;
    public const int UserDataLength = 20;

    public const int VersionOffset = 0;
    public const int AttestationKeyTypeOffset = VersionOffset + VersionLength;
    public const int TeeTypeOffset = AttestationKeyTypeOffset + AttestationKeyTypeLength;
    public const int QeSvnOffset = TeeTypeOffset + TeeTypeLength;
    public const int PceSvnOffset = QeSvnOffset + QeSvnLength;
    public const int QeVendorIdOffset = PceSvnOffset + PceSvnLength;
    public const int UserDataOffset = QeVendorIdOffset + QeVendorIdLength;
    public const int HeaderLength = UserDataOffset + UserDataLength; // 48

    // ---- v4: the TD report body follows the header directly ----
    public const int V4BodyOffset = HeaderLength;

    // ---- v5: a body descriptor (type u16, size u32) precedes the body; both are signed ----
    public const int V5BodyTypeLength = 2;
    public const int V5BodySizeLength = 4;
    public const int V5BodyTypeOffset = HeaderLength;
    public const int V5BodySizeOffset = V5BodyTypeOffset + V5BodyTypeLength;
    public const int V5BodyOffset = V5BodySizeOffset + V5BodySizeLength; // 54

    /// <summary>Length of the u32 signature-data length that follows the signed region.</summary>
    public const int SignatureDataLengthLength = 4;

    // ---- Quote signature data (ECDSA-256-with-P-256 attestation key), relative to its start ----
    public const int QuoteSignatureLength = 64;
    public const int AttestationKeyLength = 64;
    public const int CertificationDataTypeLength = 2;
    public const int CertificationDataSizeLength = 4;

    public const int QuoteSignatureOffset = 0;
    public const int AttestationKeyOffset = QuoteSignatureOffset + QuoteSignatureLength;
    public const int CertificationDataTypeOffset = AttestationKeyOffset + AttestationKeyLength;
    public const int CertificationDataSizeOffset = CertificationDataTypeOffset + CertificationDataTypeLength;
    public const int CertificationDataOffset = CertificationDataSizeOffset + CertificationDataSizeLength; // 134

    // ---- Certification data type 6 (QE report certification data), relative to its start ----
    public const int QeReportLength = SgxReportBodyLayout.Length; // 384
    public const int QeReportSignatureLength = 64;
    public const int QeAuthDataSizeLength = 2;

    public const int QeReportOffset = 0;
    public const int QeReportSignatureOffset = QeReportOffset + QeReportLength;
    public const int QeAuthDataSizeOffset = QeReportSignatureOffset + QeReportSignatureLength;
    public const int QeAuthDataOffset = QeAuthDataSizeOffset + QeAuthDataSizeLength; // 450, then N bytes of auth data
    // After the auth data: inner certification data type (u16), size (u32), data.
}

/// <summary>TD report body (TDX 1.0 = 584 bytes, TDX 1.5 = 648 bytes), relative to the body start.
/// Intel TDX DCAP Quoting Library API, "TD Quote Body"; TDX Module ABI spec, TDREPORT fields.</summary>
public static class TdReportBodyLayout
{
    public const int TeeTcbSvnLength = 16;
    public const int MrSeamLength = 48;
    public const int MrSignerSeamLength = 48;
    public const int SeamAttributesLength = 8;
    public const int TdAttributesLength = 8;
    public const int XfamLength = 8;
    public const int MeasurementLength = 48;
    public const int ReportDataLength = 64;

    public const int TeeTcbSvnOffset = 0;
    public const int MrSeamOffset = TeeTcbSvnOffset + TeeTcbSvnLength;
    public const int MrSignerSeamOffset = MrSeamOffset + MrSeamLength;
    public const int SeamAttributesOffset = MrSignerSeamOffset + MrSignerSeamLength;
    public const int TdAttributesOffset = SeamAttributesOffset + SeamAttributesLength;
    public const int XfamOffset = TdAttributesOffset + TdAttributesLength;
    public const int MrTdOffset = XfamOffset + XfamLength;
    public const int MrConfigIdOffset = MrTdOffset + MeasurementLength;
    public const int MrOwnerOffset = MrConfigIdOffset + MeasurementLength;
    public const int MrOwnerConfigOffset = MrOwnerOffset + MeasurementLength;
    public const int Rtmr0Offset = MrOwnerConfigOffset + MeasurementLength;
    public const int RtmrCount = 4;
    public const int ReportDataOffset = Rtmr0Offset + (RtmrCount * MeasurementLength);
    public const int Tdx10Length = ReportDataOffset + ReportDataLength; // 584

    // TDX 1.5 (quote v5 body type 3) appends TEE_TCB_SVN2 and MRSERVICETD.
    public const int TeeTcbSvn2Offset = Tdx10Length;
    public const int MrServiceTdOffset = TeeTcbSvn2Offset + TeeTcbSvnLength;
    public const int Tdx15Length = MrServiceTdOffset + MeasurementLength; // 648
}

/// <summary>SGX report body (the QE report inside a TDX quote), 384 bytes. Intel SGX ECDSA QL API,
/// "sgx_report_body_t".</summary>
public static class SgxReportBodyLayout
{
    public const int CpuSvnLength = 16;
    public const int MiscSelectLength = 4;
    public const int Reserved1Length = 28;
    public const int AttributesLength = 16;
    public const int MrEnclaveLength = 32;
    public const int Reserved2Length = 32;
    public const int MrSignerLength = 32;
    public const int Reserved3Length = 96;
    public const int IsvProdIdLength = 2;
    public const int IsvSvnLength = 2;
    public const int Reserved4Length = 60;
    public const int ReportDataLength = 64;

    public const int CpuSvnOffset = 0;
    public const int MiscSelectOffset = CpuSvnOffset + CpuSvnLength;
    public const int Reserved1Offset = MiscSelectOffset + MiscSelectLength;
    public const int AttributesOffset = Reserved1Offset + Reserved1Length;
    public const int MrEnclaveOffset = AttributesOffset + AttributesLength;
    public const int Reserved2Offset = MrEnclaveOffset + MrEnclaveLength;
    public const int MrSignerOffset = Reserved2Offset + Reserved2Length;
    public const int Reserved3Offset = MrSignerOffset + MrSignerLength;
    public const int IsvProdIdOffset = Reserved3Offset + Reserved3Length;
    public const int IsvSvnOffset = IsvProdIdOffset + IsvProdIdLength;
    public const int Reserved4Offset = IsvSvnOffset + IsvSvnLength;
    public const int ReportDataOffset = Reserved4Offset + Reserved4Length;
    public const int Length = ReportDataOffset + ReportDataLength; // 384
}

/// <summary>The 1024-byte TDREPORT_STRUCT returned by TDG.MR.REPORT (TDX Module ABI spec, "TDREPORT_STRUCT"):
/// REPORTMACSTRUCT (256) + TEE_TCB_INFO (239) + reserved (17) + TDINFO (512).</summary>
public static class TdReportLayout
{
    // REPORTMACSTRUCT
    public const int ReportTypeLength = 4;
    public const int MacReserved1Length = 12;
    public const int CpuSvnLength = 16;
    public const int TeeTcbInfoHashLength = 48;
    public const int TeeInfoHashLength = 48;
    public const int ReportDataLength = 64;
    public const int MacReserved2Length = 32;
    public const int MacLength = 32;

    public const int ReportTypeOffset = 0;
    public const int MacReserved1Offset = ReportTypeOffset + ReportTypeLength;
    public const int CpuSvnOffset = MacReserved1Offset + MacReserved1Length;
    public const int TeeTcbInfoHashOffset = CpuSvnOffset + CpuSvnLength;
    public const int TeeInfoHashOffset = TeeTcbInfoHashOffset + TeeTcbInfoHashLength;
    public const int ReportDataOffset = TeeInfoHashOffset + TeeInfoHashLength;
    public const int MacReserved2Offset = ReportDataOffset + ReportDataLength;
    public const int MacOffset = MacReserved2Offset + MacReserved2Length;
    public const int ReportMacStructLength = MacOffset + MacLength; // 256

    // TEE_TCB_INFO
    public const int TcbInfoValidLength = 8;
    public const int TcbInfoReservedLength = 95;
    public const int TeeTcbInfoOffset = ReportMacStructLength;
    public const int TcbInfoValidOffset = TeeTcbInfoOffset;
    public const int TeeTcbSvnOffset = TcbInfoValidOffset + TcbInfoValidLength;
    public const int MrSeamOffset = TeeTcbSvnOffset + TdReportBodyLayout.TeeTcbSvnLength;
    public const int MrSignerSeamOffset = MrSeamOffset + TdReportBodyLayout.MrSeamLength;
    public const int SeamAttributesOffset = MrSignerSeamOffset + TdReportBodyLayout.MrSignerSeamLength;
    public const int TeeTcbSvn2Offset = SeamAttributesOffset + TdReportBodyLayout.SeamAttributesLength;
    public const int TcbInfoReservedOffset = TeeTcbSvn2Offset + TdReportBodyLayout.TeeTcbSvnLength;
    public const int TeeTcbInfoEnd = TcbInfoReservedOffset + TcbInfoReservedLength; // 495
    public const int Reserved17Length = 17;

    // TDINFO
    public const int TdInfoOffset = TeeTcbInfoEnd + Reserved17Length; // 512
    public const int TdAttributesOffset = TdInfoOffset;
    public const int XfamOffset = TdAttributesOffset + TdReportBodyLayout.TdAttributesLength;
    public const int MrTdOffset = XfamOffset + TdReportBodyLayout.XfamLength;
    public const int MrConfigIdOffset = MrTdOffset + TdReportBodyLayout.MeasurementLength;
    public const int MrOwnerOffset = MrConfigIdOffset + TdReportBodyLayout.MeasurementLength;
    public const int MrOwnerConfigOffset = MrOwnerOffset + TdReportBodyLayout.MeasurementLength;
    public const int Rtmr0Offset = MrOwnerConfigOffset + TdReportBodyLayout.MeasurementLength;
    public const int ServTdHashOffset = Rtmr0Offset + (TdReportBodyLayout.RtmrCount * TdReportBodyLayout.MeasurementLength);
    public const int TdInfoReservedLength = 64;
    public const int TdInfoReservedOffset = ServTdHashOffset + TdReportBodyLayout.MeasurementLength;
    public const int Length = TdInfoReservedOffset + TdInfoReservedLength; // 1024
}
