namespace CvmCheck.Formats.Spdm;

/// <summary>
/// Byte layout of an NVIDIA GPU attestation report: an SPDM 1.1 GET_MEASUREMENTS request followed
/// directly by its MEASUREMENTS response (DMTF DSP0274 1.1.0, §10.11 "GET_MEASUREMENTS request and
/// MEASUREMENTS response messages"). Every offset is the previous offset plus its length, so the table
/// cannot drift. All multi-byte integers are little-endian (DSP0274 §7 "Generic SPDM message format").
/// </summary>
public static class SpdmLayout
{
    /// <summary>SPDMVersion byte of version 1.1 (DSP0274 §10.1 "version number encoding": major in the high nibble).</summary>
    public const byte Version11 = 0x11;

    /// <summary>SPDM 1.0: same GET_MEASUREMENTS/MEASUREMENTS layout and signing as 1.1.</summary>
    public const byte Version10 = 0x10;

    /// <summary>GET_MEASUREMENTS RequestResponseCode (DSP0274 §10.11, request table).</summary>
    public const byte GetMeasurementsCode = 0xE0;

    /// <summary>MEASUREMENTS RequestResponseCode (DSP0274 §10.11, response table).</summary>
    public const byte MeasurementsCode = 0x60;

    /// <summary>GET_MEASUREMENTS Param1 bit 0: the requester asks for a signature (and so sends a nonce).</summary>
    public const byte SignatureRequestedBit = 0x01;

    /// <summary>GET_MEASUREMENTS Param2 value asking for every measurement block.</summary>
    public const byte AllMeasurementsOperation = 0xFF;

    // ---- GET_MEASUREMENTS request (DSP0274 §10.11, request attributes; with Param1 bit 0 set) ----
    public const int RequestVersionOffset = 0;
    public const int RequestCodeOffset = RequestVersionOffset + 1;
    public const int RequestParam1Offset = RequestCodeOffset + 1;
    public const int RequestParam2Offset = RequestParam1Offset + 1;
    public const int RequestNonceOffset = RequestParam2Offset + 1;
    public const int NonceLength = 32;
    public const int RequestSlotIdOffset = RequestNonceOffset + NonceLength;
    public const int RequestLength = RequestSlotIdOffset + 1;

    // ---- MEASUREMENTS response header (offsets relative to the start of the response) ----
    public const int ResponseVersionOffset = 0;
    public const int ResponseCodeOffset = ResponseVersionOffset + 1;
    public const int ResponseParam1Offset = ResponseCodeOffset + 1;
    public const int ResponseParam2Offset = ResponseParam1Offset + 1;
    public const int ResponseNumberOfBlocksOffset = ResponseParam2Offset + 1;
    public const int ResponseRecordLengthOffset = ResponseNumberOfBlocksOffset + 1;

    /// <summary>MeasurementRecordLength is a 24-bit little-endian integer.</summary>
    public const int RecordLengthSize = 3;
    public const int ResponseRecordOffset = ResponseRecordLengthOffset + RecordLengthSize;

    /// <summary>After the record: Nonce (32), OpaqueDataLength (2), OpaqueData, Signature (SPDM 1.1 has no RequesterContext).</summary>
    public const int OpaqueLengthSize = 2;

    /// <summary>DSP0274 §10.11: OpaqueDataLength shall not exceed 1024 bytes.</summary>
    public const int MaxOpaqueLength = 1024;

    /// <summary>ECDSA P-384 signature as r ‖ s, 48 bytes each, big-endian (DSP0274 §14 "signature generation", TPM_ALG_ECDSA_ECC_NIST_P384).</summary>
    public const int SignatureLength = 96;

    /// <summary>Smallest well-formed report: request, response header, empty record, nonce, opaque length, signature.</summary>
    public const int MinimumReportLength = RequestLength + ResponseRecordOffset + NonceLength + OpaqueLengthSize + SignatureLength;

    // ---- Measurement block (DSP0274 §10.11.1 "Measurement block") ----
    public const int BlockIndexOffset = 0;
    public const int BlockSpecificationOffset = BlockIndexOffset + 1;
    public const int BlockMeasurementSizeOffset = BlockSpecificationOffset + 1;
    public const int BlockHeaderLength = BlockMeasurementSizeOffset + 2;

    /// <summary>MeasurementSpecification bit 0: the DMTF measurement specification format follows.</summary>
    public const byte DmtfMeasurementSpecification = 0x01;

    // ---- DMTF measurement specification format (DSP0274 §10.11.1.1), relative to the block's Measurement field ----
    public const int DmtfValueTypeOffset = 0;
    public const int DmtfValueSizeOffset = DmtfValueTypeOffset + 1;
    public const int DmtfHeaderLength = DmtfValueSizeOffset + 2;

    /// <summary>DMTFSpecMeasurementValueType bit 7: 1 = raw bit stream, 0 = digest.</summary>
    public const byte DmtfRawBitStreamBit = 0x80;

    // ---- NVIDIA opaque data: a sequence of TLVs (type u16, length u16, value) ----
    public const int OpaqueTypeSize = 2;
    public const int OpaqueLengthFieldSize = 2;
    public const int OpaqueEntryHeaderLength = OpaqueTypeSize + OpaqueLengthFieldSize;
}
