using System.Runtime.Intrinsics.X86;
using System.Text;

namespace CvmCheck.Core.Sources.Live;

/// <summary>
/// CPUID leaf 0x21: in a TDX guest the TDX module answers it with the vendor string "IntelTDX    "
/// in EBX:EDX:ECX (Intel TDX GHCI spec, "TDX enumeration"), like leaf 0's "GenuineIntel". The maximum
/// basic leaf (CPUID 0 EAX) is checked first: Intel CPUs answer a leaf above it with the data of the
/// highest basic leaf, which must not be mistaken for a vendor string.
/// </summary>
public static class CpuidReader
{
    public const int TdxLeaf = 0x21;

    /// <summary>The 12-character string, or null on non-x86 CPUs, when leaf 0x21 is beyond the maximum
    /// basic leaf, or when it reads all zeros.</summary>
    public static string? Leaf21Vendor()
    {
        if (!X86Base.IsSupported)
        {
            return null;
        }

        var (maxLeaf, _, _, _) = X86Base.CpuId(0, 0);
        if (maxLeaf < TdxLeaf)
        {
            return null;
        }

        var (_, ebx, ecx, edx) = X86Base.CpuId(TdxLeaf, 0);
        return Vendor(ebx, edx, ecx);
    }

    /// <summary>Registers in EBX, EDX, ECX order, four little-endian ASCII bytes each.</summary>
    public static string? Vendor(int ebx, int edx, int ecx)
    {
        if (ebx == 0 && edx == 0 && ecx == 0)
        {
            return null;
        }

        Span<byte> bytes = stackalloc byte[12];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(bytes, ebx);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(bytes[4..], edx);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(bytes[8..], ecx);
        return Encoding.Latin1.GetString(bytes);
    }
}
