namespace CvmCheck.Formats.Tdx;

/// <summary>Why a TDX quote or TDREPORT was rejected by the parser.</summary>
public enum TdxFormatErrorCode
{
    /// <summary>The input ends before a field that the layout requires.</summary>
    Truncated = 1,

    /// <summary>Quote version is not 4 or 5.</summary>
    UnsupportedVersion,

    /// <summary>Attestation key type is not 2 (ECDSA-256 with P-256).</summary>
    UnsupportedAttestationKeyType,

    /// <summary>TEE type is not 0x81 (TDX).</summary>
    UnsupportedTeeType,

    /// <summary>v5 body type is not 2 (TDX 1.0) or 3 (TDX 1.5), or its size does not match the type.</summary>
    UnsupportedBodyType,

    /// <summary>Certification data is not type 6 wrapping type 5, as TDX quotes carry.</summary>
    UnsupportedCertificationDataType,

    /// <summary>A length field disagrees with the lengths of what it contains.</summary>
    LengthMismatch,

    /// <summary>Non-zero bytes follow the signature data.</summary>
    TrailingData,
}

/// <summary>A parser rejection naming the field and its byte offset from the start of the input.</summary>
public sealed record TdxFormatError(TdxFormatErrorCode Code, string Field, int Offset, string Message)
{
    public override string ToString() => $"{Code}: {Field} at offset {Offset}: {Message}";
}

/// <summary>The only exception the TDX parsers throw (from <c>Parse</c>; <c>TryParse</c> never throws).</summary>
public sealed class TdxFormatException(TdxFormatError error) : FormatException(error.ToString())
{
    public TdxFormatError Error { get; } = error;
}
