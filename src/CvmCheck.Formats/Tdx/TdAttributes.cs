namespace CvmCheck.Formats.Tdx;

/// <summary>TDATTRIBUTES (64-bit, little-endian in the report). Bit numbers from the Intel TDX Module ABI
/// spec, "TDATTRIBUTES": bit 0 DEBUG, bit 28 SEPT_VE_DISABLE, bit 30 PKS, bit 31 KL, bit 63 PERFMON.</summary>
public readonly record struct TdAttributes(ulong Value)
{
    public const int DebugBit = 0;
    public const int SeptVeDisableBit = 28;
    public const int PksBit = 30;
    public const int KeyLockerBit = 31;
    public const int PerfmonBit = 63;

    /// <summary>The TD is debuggable: the host can read and write its private memory and state.</summary>
    public bool Debug => IsSet(DebugBit);

    public bool SeptVeDisable => IsSet(SeptVeDisableBit);

    public bool Pks => IsSet(PksBit);

    public bool KeyLocker => IsSet(KeyLockerBit);

    public bool Perfmon => IsSet(PerfmonBit);

    private bool IsSet(int bit) => ((Value >> bit) & 1UL) != 0;
}
