using System.Buffers.Binary;

namespace CvmCheck.Formats.Spdm;

/// <summary>
/// A parsed GPU attestation report: the GET_MEASUREMENTS request (with the verifier's nonce) and
/// the signed MEASUREMENTS response. The parser checks structure only; signature and chain
/// verification live in CvmCheck.Attestation.
/// </summary>
public sealed class SpdmMeasurementReport
{
    private SpdmMeasurementReport(byte[] bytes)
    {
        Bytes = bytes;
    }

    /// <summary>The whole report (request ‖ response).</summary>
    public ReadOnlyMemory<byte> Bytes { get; }

    public byte RequestVersion { get; private init; }

    public byte RequestParam1 { get; private init; }

    public byte RequestParam2 { get; private init; }

    public byte SlotId { get; private init; }

    /// <summary>The requester's nonce (report bytes 4..35): the freshness nonce a verifier compares.</summary>
    public ReadOnlyMemory<byte> RequestNonce { get; private init; }

    public byte ResponseVersion { get; private init; }

    public byte ResponseParam1 { get; private init; }

    public byte ResponseParam2 { get; private init; }

    public IReadOnlyList<SpdmMeasurementBlock> Blocks { get; private init; } = [];

    /// <summary>The responder's (GPU's) nonce; never a freshness proof for the verifier.</summary>
    public ReadOnlyMemory<byte> ResponseNonce { get; private init; }

    public NvidiaOpaqueData OpaqueData { get; private init; } = new([]);

    public int SignatureOffset { get; private init; }

    /// <summary>ECDSA P-384 signature r ‖ s (big-endian, 48 bytes each).</summary>
    public ReadOnlyMemory<byte> Signature { get; private init; }

    /// <summary>The bytes the responder signed: request and response up to the signature (DSP0274 §10.11, "L1/L2" transcript for SPDM 1.1).</summary>
    public ReadOnlyMemory<byte> SignedBytes => Bytes[..SignatureOffset];

    public SpdmMeasurementBlock? Block(int spdmIndex) => Blocks.FirstOrDefault(b => b.Index == spdmIndex);

    public static SpdmMeasurementReport Parse(ReadOnlySpan<byte> data) =>
        TryParse(data, out var report, out var failure) ? report : throw new SpdmFormatException(failure!);

    public static bool TryParse(ReadOnlySpan<byte> data, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SpdmMeasurementReport? report, out SpdmParseFailure? failure)
    {
        report = null;
        failure = Read(data.ToArray(), out report);
        return report is not null;
    }

    private static SpdmParseFailure Fail(SpdmParseError error, string field, int offset, string message) => new(error, field, offset, message);

    private static SpdmParseFailure? Read(byte[] bytes, out SpdmMeasurementReport? report)
    {
        report = null;
        ReadOnlySpan<byte> data = bytes;
        if (data.Length < SpdmLayout.MinimumReportLength)
        {
            return Fail(SpdmParseError.TooShort, "report", data.Length,
                $"{data.Length} bytes is too short for a GET_MEASUREMENTS request and a signed MEASUREMENTS response (at least {SpdmLayout.MinimumReportLength})");
        }

        // Request (DSP0274 §10.11 GET_MEASUREMENTS).
        var requestVersion = data[SpdmLayout.RequestVersionOffset];
        // SPDM 1.2 signs a prefixed transcript hash and 1.3 adds RequesterContext; only the 1.0/1.1
        // layout and signing (what NVIDIA GPUs send) are implemented, so anything else is refused.
        if (requestVersion is not (SpdmLayout.Version10 or SpdmLayout.Version11))
        {
            return Fail(SpdmParseError.UnsupportedVersion, "request.SPDMVersion", SpdmLayout.RequestVersionOffset, $"0x{requestVersion:X2} is not SPDM 1.0 or 1.1");
        }

        if (data[SpdmLayout.RequestCodeOffset] != SpdmLayout.GetMeasurementsCode)
        {
            return Fail(SpdmParseError.UnexpectedRequestCode, "request.RequestResponseCode", SpdmLayout.RequestCodeOffset,
                $"0x{data[SpdmLayout.RequestCodeOffset]:X2} is not GET_MEASUREMENTS (0xE0)");
        }

        var param1 = data[SpdmLayout.RequestParam1Offset];
        if ((param1 & SpdmLayout.SignatureRequestedBit) == 0)
        {
            // Without bit 0 the request carries no nonce and the response no signature: nothing to attest.
            return Fail(SpdmParseError.SignatureNotRequested, "request.Param1", SpdmLayout.RequestParam1Offset, "signature not requested (bit 0 clear): the report is unsigned");
        }

        // Response (DSP0274 §10.11 MEASUREMENTS).
        var r = SpdmLayout.RequestLength;
        var responseVersion = data[r + SpdmLayout.ResponseVersionOffset];
        if (responseVersion != requestVersion)
        {
            return Fail(SpdmParseError.VersionMismatch, "response.SPDMVersion", r, $"0x{responseVersion:X2} differs from the request's 0x{requestVersion:X2}");
        }

        if (data[r + SpdmLayout.ResponseCodeOffset] != SpdmLayout.MeasurementsCode)
        {
            return Fail(SpdmParseError.UnexpectedResponseCode, "response.RequestResponseCode", r + SpdmLayout.ResponseCodeOffset,
                $"0x{data[r + SpdmLayout.ResponseCodeOffset]:X2} is not MEASUREMENTS (0x60)");
        }

        var blockCount = data[r + SpdmLayout.ResponseNumberOfBlocksOffset];
        var lengthOffset = r + SpdmLayout.ResponseRecordLengthOffset;
        var recordLength = data[lengthOffset] | (data[lengthOffset + 1] << 8) | (data[lengthOffset + 2] << 16);
        var recordOffset = r + SpdmLayout.ResponseRecordOffset;
        var afterRecordMinimum = SpdmLayout.NonceLength + SpdmLayout.OpaqueLengthSize;
        if ((long)recordOffset + recordLength + afterRecordMinimum > data.Length)
        {
            return Fail(SpdmParseError.RecordLengthExceedsData, "response.MeasurementRecordLength", lengthOffset,
                $"record length {recordLength} exceeds the {data.Length - recordOffset} bytes after offset {recordOffset}");
        }

        var blocks = new List<SpdmMeasurementBlock>(blockCount);
        var pos = recordOffset;
        var recordEnd = recordOffset + recordLength;
        for (var n = 0; n < blockCount; n++)
        {
            if (pos + SpdmLayout.BlockHeaderLength > recordEnd)
            {
                return Fail(SpdmParseError.MeasurementBlockTruncated, $"measurement block #{n + 1} header", pos, $"block header needs {SpdmLayout.BlockHeaderLength} bytes, record ends at {recordEnd}");
            }

            var index = data[pos + SpdmLayout.BlockIndexOffset];
            var spec = data[pos + SpdmLayout.BlockSpecificationOffset];
            int size = BinaryPrimitives.ReadUInt16LittleEndian(data.Slice(pos + SpdmLayout.BlockMeasurementSizeOffset, 2));
            var measurementOffset = pos + SpdmLayout.BlockHeaderLength;
            if (measurementOffset + size > recordEnd)
            {
                return Fail(SpdmParseError.MeasurementBlockTruncated, $"measurement block {index}.MeasurementSize", pos + SpdmLayout.BlockMeasurementSizeOffset,
                    $"size {size} runs past the record end at {recordEnd}");
            }

            byte valueType = 0;
            var valueOffset = measurementOffset;
            var valueLength = size;
            if ((spec & SpdmLayout.DmtfMeasurementSpecification) != 0)
            {
                // DSP0274 §10.11.1.1: MeasurementSize = 3 + DMTFSpecMeasurementValueSize.
                if (size < SpdmLayout.DmtfHeaderLength)
                {
                    return Fail(SpdmParseError.MeasurementBlockSizeMismatch, $"measurement block {index}.MeasurementSize", pos + SpdmLayout.BlockMeasurementSizeOffset,
                        $"size {size} is smaller than the DMTF header ({SpdmLayout.DmtfHeaderLength})");
                }

                valueType = data[measurementOffset + SpdmLayout.DmtfValueTypeOffset];
                int valueSize = BinaryPrimitives.ReadUInt16LittleEndian(data.Slice(measurementOffset + SpdmLayout.DmtfValueSizeOffset, 2));
                if (valueSize + SpdmLayout.DmtfHeaderLength != size)
                {
                    return Fail(SpdmParseError.MeasurementBlockSizeMismatch, $"measurement block {index}.DMTFSpecMeasurementValueSize", measurementOffset + SpdmLayout.DmtfValueSizeOffset,
                        $"value size {valueSize} + {SpdmLayout.DmtfHeaderLength} != MeasurementSize {size}");
                }

                valueOffset = measurementOffset + SpdmLayout.DmtfHeaderLength;
                valueLength = valueSize;
            }

            blocks.Add(new SpdmMeasurementBlock(index, spec, valueType, valueOffset, bytes.AsMemory(valueOffset, valueLength)));
            pos = measurementOffset + size;
        }

        if (pos != recordEnd)
        {
            return Fail(SpdmParseError.MeasurementBlockCountMismatch, "response.MeasurementRecord", pos,
                $"{blockCount} blocks end at {pos} but MeasurementRecordLength says {recordEnd}");
        }

        var responseNonceOffset = recordEnd;
        var opaqueLengthOffset = responseNonceOffset + SpdmLayout.NonceLength;
        int opaqueLength = BinaryPrimitives.ReadUInt16LittleEndian(data.Slice(opaqueLengthOffset, 2));
        var opaqueOffset = opaqueLengthOffset + SpdmLayout.OpaqueLengthSize;
        if (opaqueLength > SpdmLayout.MaxOpaqueLength)
        {
            return Fail(SpdmParseError.OpaqueLengthTooLarge, "response.OpaqueDataLength", opaqueLengthOffset, $"{opaqueLength} exceeds the 1024 bytes DSP0274 allows");
        }

        if (opaqueOffset + opaqueLength > data.Length)
        {
            return Fail(SpdmParseError.OpaqueLengthExceedsData, "response.OpaqueDataLength", opaqueLengthOffset,
                $"opaque length {opaqueLength} exceeds the {data.Length - opaqueOffset} bytes left");
        }

        var fields = new List<OpaqueField>();
        var o = opaqueOffset;
        var opaqueEnd = opaqueOffset + opaqueLength;
        while (o < opaqueEnd)
        {
            if (o + SpdmLayout.OpaqueEntryHeaderLength > opaqueEnd)
            {
                return Fail(SpdmParseError.OpaqueEntryTruncated, "opaque data entry header", o, $"{opaqueEnd - o} bytes left, a TLV header needs {SpdmLayout.OpaqueEntryHeaderLength}");
            }

            var type = BinaryPrimitives.ReadUInt16LittleEndian(data.Slice(o, SpdmLayout.OpaqueTypeSize));
            int length = BinaryPrimitives.ReadUInt16LittleEndian(data.Slice(o + SpdmLayout.OpaqueTypeSize, SpdmLayout.OpaqueLengthFieldSize));
            var valueOffset = o + SpdmLayout.OpaqueEntryHeaderLength;
            if (valueOffset + length > opaqueEnd)
            {
                return Fail(SpdmParseError.OpaqueEntryTruncated, $"opaque data entry type {type} length", o + SpdmLayout.OpaqueTypeSize,
                    $"length {length} runs past the opaque data end at {opaqueEnd}");
            }

            fields.Add(new OpaqueField(type, valueOffset, bytes.AsMemory(valueOffset, length)));
            o = valueOffset + length;
        }

        var signatureOffset = opaqueEnd;
        var signatureLength = data.Length - signatureOffset;
        if (signatureLength < SpdmLayout.SignatureLength)
        {
            return Fail(SpdmParseError.SignatureTruncated, "response.Signature", signatureOffset,
                $"signature is {signatureLength} bytes, need {SpdmLayout.SignatureLength} (ECDSA P-384 r||s)");
        }

        if (signatureLength > SpdmLayout.SignatureLength)
        {
            return Fail(SpdmParseError.TrailingBytes, "report end", signatureOffset + SpdmLayout.SignatureLength,
                $"{signatureLength - SpdmLayout.SignatureLength} unexpected bytes after the signature");
        }

        report = new SpdmMeasurementReport(bytes)
        {
            RequestVersion = requestVersion,
            RequestParam1 = param1,
            RequestParam2 = data[SpdmLayout.RequestParam2Offset],
            SlotId = data[SpdmLayout.RequestSlotIdOffset],
            RequestNonce = bytes.AsMemory(SpdmLayout.RequestNonceOffset, SpdmLayout.NonceLength),
            ResponseVersion = responseVersion,
            ResponseParam1 = data[r + SpdmLayout.ResponseParam1Offset],
            ResponseParam2 = data[r + SpdmLayout.ResponseParam2Offset],
            Blocks = blocks,
            ResponseNonce = bytes.AsMemory(responseNonceOffset, SpdmLayout.NonceLength),
            OpaqueData = new NvidiaOpaqueData(fields),
            SignatureOffset = signatureOffset,
            Signature = bytes.AsMemory(signatureOffset, SpdmLayout.SignatureLength),
        };
        return null;
    }
}
