namespace CvmCheck.Formats.Spdm;

/// <summary>
/// One measurement block (DSP0274 §10.11.1) in the DMTF measurement specification format
/// (§10.11.1.1). <see cref="Index"/> is SPDM's 1-based index; NVIDIA RIMs number the same
/// measurement <c>Index - 1</c>.
/// </summary>
public sealed record SpdmMeasurementBlock(
    byte Index,
    byte Specification,
    byte ValueType,
    int Offset,
    ReadOnlyMemory<byte> Value)
{
    /// <summary>True when the value is a digest (DMTFSpecMeasurementValueType bit 7 clear), false for a raw bit stream.</summary>
    public bool IsDigest => (ValueType & SpdmLayout.DmtfRawBitStreamBit) == 0;

    /// <summary>The RIM's 0-based index of this measurement.</summary>
    public int RimIndex => Index - 1;
}
