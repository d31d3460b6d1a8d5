using System.Buffers.Binary;

namespace CvmCheck.Formats.Tdx;

/// <summary>
/// A parsed TDX quote (v4 or v5). Parsing checks structure only; signatures, chains and TCB are the
/// verifier's job (CvmCheck.Attestation). <see cref="TryParse"/> never throws; <see cref="Parse"/>
/// throws only <see cref="TdxFormatException"/>.
/// </summary>
public sealed class TdxQuote
{
    /// <summary>Quote versions this parser reads (TDX DCAP QL API: v4 = TDX 1.0, v5 adds a body descriptor).</summary>
    public const ushort Version4 = 4;
    public const ushort Version5 = 5;

    /// <summary>Attestation key type 2 = ECDSA-256-with-P-256 (TDX DCAP QL API, "Quote Header").</summary>
    public const ushort AttestationKeyTypeEcdsaP256 = 2;

    /// <summary>TEE type 0x81 = TDX (0x00 = SGX).</summary>
    public const uint TeeTypeTdx = 0x81;

    /// <summary>v5 body types: 2 = TD report TDX 1.0, 3 = TD report TDX 1.5 (1 = SGX enclave, not a TD).</summary>
    public const ushort BodyTypeTdx10 = 2;
    public const ushort BodyTypeTdx15 = 3;

    /// <summary>Certification data types (SGX ECDSA QL API, "Certification Data"): 5 = PCK cert chain (PEM), 6 = QE report certification data.</summary>
    public const ushort CertificationDataPckCertChain = 5;
    public const ushort CertificationDataQeReport = 6;

    internal TdxQuote() { }

    public ushort Version { get; internal init; }

    public ushort AttestationKeyType { get; internal init; }

    public uint TeeType { get; internal init; }

    public ushort QeSvn { get; internal init; }

    public ushort PceSvn { get; internal init; }

    public byte[] QeVendorId { get; internal init; } = [];

    public byte[] UserData { get; internal init; } = [];

    /// <summary>2 (TDX 1.0) or 3 (TDX 1.5); v4 quotes are always 2.</summary>
    public ushort BodyType { get; internal init; }

    public TdReportBody Body { get; internal init; } = null!;

    /// <summary>Header + (v5 descriptor) + body: the bytes the attestation key signed.</summary>
    public byte[] SignedRegion { get; internal init; } = [];

    /// <summary>Offset of the signature data (after its u32 length).</summary>
    public int SignatureDataOffset { get; internal init; }

    public int SignatureDataLength { get; internal init; }

    /// <summary>ECDSA P-256 signature over <see cref="SignedRegion"/>, raw r‖s.</summary>
    public byte[] Signature { get; internal init; } = [];

    /// <summary>Attestation public key, raw X‖Y.</summary>
    public byte[] AttestationKey { get; internal init; } = [];

    public SgxReportBody QeReport { get; internal init; } = null!;

    /// <summary>Offset of the QE report in the quote (for error messages).</summary>
    public int QeReportOffset { get; internal init; }

    /// <summary>ECDSA P-256 signature by the PCK leaf key over the 384-byte QE report, raw r‖s.</summary>
    public byte[] QeReportSignature { get; internal init; } = [];

    public byte[] QeAuthData { get; internal init; } = [];

    /// <summary>The inner certification data type (5 = PEM PCK chain).</summary>
    public ushort PckCertificationDataType { get; internal init; }

    /// <summary>The inner certification data: concatenated PEM leaf, intermediate and root.</summary>
    public byte[] PckCertificationData { get; internal init; } = [];

    /// <summary>Number of bytes after the signature data (all zero, or the parse fails).</summary>
    public int TrailingZeroBytes { get; internal init; }

    public static bool TryParse(ReadOnlySpan<byte> data, out TdxQuote? quote, out TdxFormatError? error)
    {
        error = TdxQuoteParser.Parse(data, out quote);
        return error is null;
    }

    public static TdxQuote Parse(ReadOnlySpan<byte> data)
    {
        var error = TdxQuoteParser.Parse(data, out var quote);
        return error is null ? quote! : throw new TdxFormatException(error);
    }
}

/// <summary>The shared core of <see cref="TdxQuote.TryParse"/> and <see cref="TdxQuote.Parse"/>: returns
/// the first structural error, never throws.</summary>
internal static class TdxQuoteParser
{
    public static TdxFormatError? Parse(ReadOnlySpan<byte> data, out TdxQuote? quote)
    {
        quote = null;
        if (Need(data, 0, TdxQuoteLayout.HeaderLength, "header") is { } e0)
        {
            return e0;
        }

        var version = BinaryPrimitives.ReadUInt16LittleEndian(data[TdxQuoteLayout.VersionOffset..]);
        // TDX DCAP QL API A.3/A.4: TD quotes are version 4 (TDX 1.0) or 5 (TDX 1.0/1.5 with body descriptor).
        if (version is not (TdxQuote.Version4 or TdxQuote.Version5))
        {
            return new(TdxFormatErrorCode.UnsupportedVersion, "header.version", TdxQuoteLayout.VersionOffset, $"quote version {version} is not supported (expected 4 or 5)");
        }

        var keyType = BinaryPrimitives.ReadUInt16LittleEndian(data[TdxQuoteLayout.AttestationKeyTypeOffset..]);
        // "Quote Header": att_key_type 2 = ECDSA-256-with-P-256 curve; 3 (P-384) is reserved and not produced by the TD QE.
        if (keyType != TdxQuote.AttestationKeyTypeEcdsaP256)
        {
            return new(TdxFormatErrorCode.UnsupportedAttestationKeyType, "header.att_key_type", TdxQuoteLayout.AttestationKeyTypeOffset, $"attestation key type {keyType} is not supported (expected 2, ECDSA-256 with P-256)");
        }

        var teeType = BinaryPrimitives.ReadUInt32LittleEndian(data[TdxQuoteLayout.TeeTypeOffset..]);
        if (teeType != TdxQuote.TeeTypeTdx)
        {
            return new(TdxFormatErrorCode.UnsupportedTeeType, "header.tee_type", TdxQuoteLayout.TeeTypeOffset, $"TEE type 0x{teeType:x} is not TDX (0x81)");
        }

        int bodyOffset;
        int bodyLength;
        ushort bodyType;
        if (version == TdxQuote.Version4)
        {
            bodyOffset = TdxQuoteLayout.V4BodyOffset;
            bodyLength = TdReportBodyLayout.Tdx10Length;
            bodyType = TdxQuote.BodyTypeTdx10;
        }
        else
        {
            if (Need(data, TdxQuoteLayout.V5BodyTypeOffset, TdxQuoteLayout.V5BodyTypeLength + TdxQuoteLayout.V5BodySizeLength, "body descriptor") is { } e1)
            {
                return e1;
            }

            bodyType = BinaryPrimitives.ReadUInt16LittleEndian(data[TdxQuoteLayout.V5BodyTypeOffset..]);
            var declaredSize = BinaryPrimitives.ReadUInt32LittleEndian(data[TdxQuoteLayout.V5BodySizeOffset..]);
            int expectedSize = bodyType switch
            {
                TdxQuote.BodyTypeTdx10 => TdReportBodyLayout.Tdx10Length,
                TdxQuote.BodyTypeTdx15 => TdReportBodyLayout.Tdx15Length,
                _ => -1,
            };
            if (expectedSize < 0)
            {
                return new(TdxFormatErrorCode.UnsupportedBodyType, "body.type", TdxQuoteLayout.V5BodyTypeOffset, $"quote body type {bodyType} is not a TD report (expected 2 or 3)");
            }

            // A.4: the size must be the size of the body the type names; anything else would shift every later field.
            if (declaredSize != (uint)expectedSize)
            {
                return new(TdxFormatErrorCode.LengthMismatch, "body.size", TdxQuoteLayout.V5BodySizeOffset, $"body size {declaredSize} does not match body type {bodyType} ({expectedSize} bytes)");
            }

            bodyOffset = TdxQuoteLayout.V5BodyOffset;
            bodyLength = expectedSize;
        }

        if (Need(data, bodyOffset, bodyLength, "td report body") is { } e2)
        {
            return e2;
        }

        var signedLength = bodyOffset + bodyLength;
        if (Need(data, signedLength, TdxQuoteLayout.SignatureDataLengthLength, "signature data length") is { } e3)
        {
            return e3;
        }

        var sigDataLength = BinaryPrimitives.ReadUInt32LittleEndian(data[signedLength..]);
        var s = signedLength + TdxQuoteLayout.SignatureDataLengthLength;
        if ((ulong)sigDataLength > (ulong)(data.Length - s))
        {
            return new(TdxFormatErrorCode.Truncated, "signature data", s, $"quote truncated: signature data length {sigDataLength}, have {data.Length - s} bytes");
        }

        var sig = data.Slice(s, (int)sigDataLength);
        if (sig.Length < TdxQuoteLayout.CertificationDataOffset)
        {
            return new(TdxFormatErrorCode.LengthMismatch, "signature data length", signedLength, $"signature data length {sigDataLength} is shorter than the fixed part ({TdxQuoteLayout.CertificationDataOffset} bytes)");
        }

        var outerType = BinaryPrimitives.ReadUInt16LittleEndian(sig[TdxQuoteLayout.CertificationDataTypeOffset..]);
        // TDX quotes carry certification data type 6 (QE report certification data); other types have no QE report to verify.
        if (outerType != TdxQuote.CertificationDataQeReport)
        {
            return new(TdxFormatErrorCode.UnsupportedCertificationDataType, "certification_data.type", s + TdxQuoteLayout.CertificationDataTypeOffset, $"certification data type {outerType} is not supported (expected 6, QE report certification data)");
        }

        var outerSize = BinaryPrimitives.ReadUInt32LittleEndian(sig[TdxQuoteLayout.CertificationDataSizeOffset..]);
        var outerOffset = s + TdxQuoteLayout.CertificationDataOffset;
        if ((ulong)outerSize != (ulong)(sig.Length - TdxQuoteLayout.CertificationDataOffset))
        {
            return new(TdxFormatErrorCode.LengthMismatch, "certification_data.size", s + TdxQuoteLayout.CertificationDataSizeOffset, $"certification data size {outerSize} does not match the {sig.Length - TdxQuoteLayout.CertificationDataOffset} bytes left in the signature data");
        }

        var cert = sig[TdxQuoteLayout.CertificationDataOffset..];
        if (NeedIn(cert, TdxQuoteLayout.QeAuthDataOffset, outerOffset, 0, "QE report certification data") is { } e4)
        {
            return e4;
        }

        var authSize = BinaryPrimitives.ReadUInt16LittleEndian(cert[TdxQuoteLayout.QeAuthDataSizeOffset..]);
        var innerHeaderOffset = TdxQuoteLayout.QeAuthDataOffset + authSize;
        if (NeedIn(cert, innerHeaderOffset + TdxQuoteLayout.CertificationDataTypeLength + TdxQuoteLayout.CertificationDataSizeLength, outerOffset, 0, "QE auth data and PCK certification data header") is { } e5)
        {
            return e5;
        }

        var innerType = BinaryPrimitives.ReadUInt16LittleEndian(cert[innerHeaderOffset..]);
        if (innerType != TdxQuote.CertificationDataPckCertChain)
        {
            return new(TdxFormatErrorCode.UnsupportedCertificationDataType, "qe_certification_data.type", outerOffset + innerHeaderOffset, $"QE certification data type {innerType} is not supported (expected 5, PCK certificate chain)");
        }

        var innerSize = BinaryPrimitives.ReadUInt32LittleEndian(cert[(innerHeaderOffset + TdxQuoteLayout.CertificationDataTypeLength)..]);
        var innerDataOffset = innerHeaderOffset + TdxQuoteLayout.CertificationDataTypeLength + TdxQuoteLayout.CertificationDataSizeLength;
        if ((ulong)innerSize != (ulong)(cert.Length - innerDataOffset))
        {
            return new(TdxFormatErrorCode.LengthMismatch, "qe_certification_data.size", outerOffset + innerHeaderOffset + TdxQuoteLayout.CertificationDataTypeLength, $"PCK certification data size {innerSize} does not match the {cert.Length - innerDataOffset} bytes left in the certification data");
        }

        var end = s + (int)sigDataLength;
        var trailing = data[end..];
        var firstNonZero = trailing.IndexOfAnyExcept((byte)0);
        // Real quotes come in fixed-size buffers padded with zeros (Intel's QVL ignores them); anything else is not padding.
        if (firstNonZero >= 0)
        {
            return new(TdxFormatErrorCode.TrailingData, "trailing data", end + firstNonZero, $"non-zero byte after the end of the signature data ({trailing.Length} trailing bytes)");
        }

        quote = new TdxQuote
        {
            Version = version,
            AttestationKeyType = keyType,
            TeeType = teeType,
            QeSvn = BinaryPrimitives.ReadUInt16LittleEndian(data[TdxQuoteLayout.QeSvnOffset..]),
            PceSvn = BinaryPrimitives.ReadUInt16LittleEndian(data[TdxQuoteLayout.PceSvnOffset..]),
            QeVendorId = data.Slice(TdxQuoteLayout.QeVendorIdOffset, TdxQuoteLayout.QeVendorIdLength).ToArray(),
            UserData = data.Slice(TdxQuoteLayout.UserDataOffset, TdxQuoteLayout.UserDataLength).ToArray(),
            BodyType = bodyType,
            Body = TdReportBody.FromExact(data.Slice(bodyOffset, bodyLength)),
            SignedRegion = data[..signedLength].ToArray(),
            SignatureDataOffset = s,
            SignatureDataLength = (int)sigDataLength,
            Signature = sig.Slice(TdxQuoteLayout.QuoteSignatureOffset, TdxQuoteLayout.QuoteSignatureLength).ToArray(),
            AttestationKey = sig.Slice(TdxQuoteLayout.AttestationKeyOffset, TdxQuoteLayout.AttestationKeyLength).ToArray(),
            QeReport = SgxReportBody.FromExact(cert.Slice(TdxQuoteLayout.QeReportOffset, TdxQuoteLayout.QeReportLength)),
            QeReportOffset = outerOffset + TdxQuoteLayout.QeReportOffset,
            QeReportSignature = cert.Slice(TdxQuoteLayout.QeReportSignatureOffset, TdxQuoteLayout.QeReportSignatureLength).ToArray(),
            QeAuthData = cert.Slice(TdxQuoteLayout.QeAuthDataOffset, authSize).ToArray(),
            PckCertificationDataType = innerType,
            PckCertificationData = cert[innerDataOffset..].ToArray(),
            TrailingZeroBytes = trailing.Length,
        };
        return null;
    }

    private static TdxFormatError? Need(ReadOnlySpan<byte> data, int offset, int length, string field) =>
        data.Length - offset >= length
            ? null
            : new(TdxFormatErrorCode.Truncated, field, offset, $"quote truncated: {field} needs {length} bytes at offset {offset}, have {Math.Max(0, data.Length - offset)}");

    private static TdxFormatError? NeedIn(ReadOnlySpan<byte> region, int length, int regionOffset, int offset, string field) =>
        region.Length - offset >= length
            ? null
            : new(TdxFormatErrorCode.LengthMismatch, field, regionOffset + offset, $"{field} needs {length} bytes but the certification data holds {region.Length - offset}");
}
