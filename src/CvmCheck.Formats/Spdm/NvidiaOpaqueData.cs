using System.Buffers.Binary;
using System.Text;

namespace CvmCheck.Formats.Spdm;

/// <summary>One opaque-data TLV as it appears in the report; <see cref="Offset"/> is the value's offset in the report.</summary>
public sealed record OpaqueField(ushort Type, int Offset, ReadOnlyMemory<byte> Value)
{
    public NvidiaOpaqueType? KnownType => Enum.IsDefined((NvidiaOpaqueType)Type) ? (NvidiaOpaqueType)Type : null;

    public string Name => KnownType?.ToString() ?? $"Type{Type}";
}

/// <summary>
/// The NVIDIA opaque data of a MEASUREMENTS response: every TLV kept raw (in order, with its type
/// number), plus decoded views of the fields a verifier reports.
/// </summary>
public sealed class NvidiaOpaqueData
{
    /// <summary>NVDEC0_STATUS / PROTECTED_PCIE_STATUS byte meaning "enabled"; 0x55 means disabled.</summary>
    public const byte StatusEnabled = 0xAA;
    public const byte StatusDisabled = 0x55;

    /// <summary>VBIOS_VERSION is 8 bytes; printed as bytes [3].[2].[1].[0].[4] (how nvidia-smi prints it).</summary>
    public const int VbiosVersionLength = 8;

    /// <summary>PCIe/NVLink switch PDIs are 8 bytes each.</summary>
    public const int SwitchPdiLength = 8;

    internal NvidiaOpaqueData(IReadOnlyList<OpaqueField> fields)
    {
        Fields = fields;
    }

    public IReadOnlyList<OpaqueField> Fields { get; }

    public OpaqueField? Find(NvidiaOpaqueType type) => Fields.FirstOrDefault(f => f.Type == (ushort)type);

    public string? DriverVersion => Text(NvidiaOpaqueType.DriverVersion);

    public string? Project => Text(NvidiaOpaqueType.Project);

    public string? ProjectSku => Text(NvidiaOpaqueType.ProjectSku);

    public string? ProjectSkuMod => Text(NvidiaOpaqueType.ProjectSkuMod);

    public string? ChipSku => Text(NvidiaOpaqueType.ChipSku);

    public string? ChipSkuMod => Text(NvidiaOpaqueType.ChipSkuMod);

    /// <summary>SKU as "project/projectSku/chipSku", e.g. <c>1010/0200/882</c>, when all three are present.</summary>
    public string? SkuTriple => Project is { } p && ProjectSku is { } s && ChipSku is { } c ? $"{p}/{s}/{c}" : null;

    /// <summary>VBIOS version in nvidia-smi's upper-case form, e.g. <c>96.00.9F.00.01</c>; null if absent or not 8 bytes.</summary>
    public string? VbiosVersion
    {
        get
        {
            var entry = Find(NvidiaOpaqueType.VbiosVersion);
            if (entry is null || entry.Value.Length != VbiosVersionLength)
            {
                return null;
            }

            var b = entry.Value.Span;
            return $"{b[3]:X2}.{b[2]:X2}.{b[1]:X2}.{b[0]:X2}.{b[4]:X2}";
        }
    }

    /// <summary>Firmware ID (SHA-384 of the GSP firmware), bound to the leaf certificate's TCG DICE TcbInfo FWID.</summary>
    public ReadOnlyMemory<byte>? Fwid => Find(NvidiaOpaqueType.Fwid)?.Value;

    public ReadOnlyMemory<byte>? ChipInfo => Find(NvidiaOpaqueType.ChipInfo)?.Value;

    /// <summary>Protected PCIe (multi-GPU CC) status: true 0xAA, false 0x55, null absent or another value.</summary>
    public bool? ProtectedPcieEnabled => StatusByte(NvidiaOpaqueType.ProtectedPcieStatus);

    public bool? Nvdec0Enabled => StatusByte(NvidiaOpaqueType.Nvdec0Status);

    /// <summary>PDIs of the NVSwitches this GPU is linked to (protected PCIe / NVLink), 8 bytes each, hex.</summary>
    public IReadOnlyList<string> SwitchPdis
    {
        get
        {
            var entry = Find(NvidiaOpaqueType.SwitchPdi);
            if (entry is null)
            {
                return [];
            }

            var list = new List<string>();
            for (var i = 0; i + SwitchPdiLength <= entry.Value.Length; i += SwitchPdiLength)
            {
                list.Add(Convert.ToHexStringLower(entry.Value.Span.Slice(i, SwitchPdiLength)));
            }

            return list;
        }
    }

    /// <summary>MSRSCNT: one little-endian uint32 per measurement index.</summary>
    public IReadOnlyList<uint> MeasurementCounts
    {
        get
        {
            var entry = Find(NvidiaOpaqueType.MeasurementCount);
            if (entry is null)
            {
                return [];
            }

            var counts = new uint[entry.Value.Length / 4];
            for (var i = 0; i < counts.Length; i++)
            {
                counts[i] = BinaryPrimitives.ReadUInt32LittleEndian(entry.Value.Span.Slice(i * 4, 4));
            }

            return counts;
        }
    }

    private bool? StatusByte(NvidiaOpaqueType type)
    {
        var entry = Find(type);
        if (entry is null || entry.Value.Length < 1)
        {
            return null;
        }

        return entry.Value.Span[0] switch
        {
            StatusEnabled => true,
            StatusDisabled => false,
            _ => null,
        };
    }

    /// <summary>ASCII text fields are NUL-terminated and may be NUL-padded.</summary>
    private string? Text(NvidiaOpaqueType type)
    {
        var entry = Find(type);
        if (entry is null)
        {
            return null;
        }

        var span = entry.Value.Span;
        var end = span.IndexOf((byte)0);
        return Encoding.ASCII.GetString(end < 0 ? span : span[..end]);
    }
}
