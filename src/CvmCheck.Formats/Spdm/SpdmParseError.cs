namespace CvmCheck.Formats.Spdm;

/// <summary>Why a byte string is not a well-formed SPDM GET_MEASUREMENTS request + MEASUREMENTS response.</summary>
public enum SpdmParseError
{
    None = 0,
    TooShort,
    UnsupportedVersion,
    UnexpectedRequestCode,
    SignatureNotRequested,
    UnexpectedResponseCode,
    VersionMismatch,
    RecordLengthExceedsData,
    MeasurementBlockTruncated,
    MeasurementBlockSizeMismatch,
    MeasurementBlockCountMismatch,
    OpaqueLengthExceedsData,
    OpaqueLengthTooLarge,
    OpaqueEntryTruncated,
    SignatureTruncated,
    TrailingBytes,
    NotHexOrBinary,
}

/// <summary>A parse failure: what was wrong, in which field, at which byte offset of the report.</summary>
public sealed record SpdmParseFailure(SpdmParseError Error, string Field, int Offset, string Message)
{
    public override string ToString() => $"{Field} at offset {Offset}: {Message}";
}

/// <summary>Thrown by <see cref="SpdmMeasurementReport.Parse(ReadOnlySpan{byte})"/>; the only exception the parser throws.</summary>
public sealed class SpdmFormatException(SpdmParseFailure failure) : FormatException(failure.ToString())
{
    public SpdmParseFailure Failure { get; } = failure;
}
