using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;
using CvmCheck.Attestation.Pki;

namespace CvmCheck.Attestation.Tdx;

/// <summary>
/// The SGX extension of a PCK certificate (Intel "SGX PCK Certificate and CRL Profile", §1.5 "Intel SGX
/// PCK Certificate Extensions"): OID 1.2.840.113741.1.13.1 holding a SEQUENCE of (OID, value) pairs.
/// </summary>
public sealed class PckExtensions
{
    public const string SgxExtensionsOid = "1.2.840.113741.1.13.1";
    public const string TcbOid = SgxExtensionsOid + ".2";
    public const string PceSvnOid = TcbOid + ".17";
    public const string CpuSvnOid = TcbOid + ".18";
    public const string PceIdOid = SgxExtensionsOid + ".3";
    public const string FmspcOid = SgxExtensionsOid + ".4";
    public const int SgxTcbComponentCount = 16;

    private PckExtensions(int[] components, int pceSvn, byte[] fmspc, byte[] pceId)
    {
        SgxTcbComponents = components;
        PceSvn = pceSvn;
        Fmspc = fmspc;
        PceId = pceId;
    }

    /// <summary>SGX TCB component SVNs 1..16 (OIDs .2.1 … .2.16).</summary>
    public IReadOnlyList<int> SgxTcbComponents { get; }

    public int PceSvn { get; }

    /// <summary>Family-Model-Stepping-Platform-CustomSKU, 6 bytes: selects the TCB Info.</summary>
    public byte[] Fmspc { get; }

    public byte[] PceId { get; }

    public static PckExtensions Read(X509Certificate2 pck)
    {
        var ext = pck.Extensions[SgxExtensionsOid]
            ?? throw new PkiFormatException($"PCK certificate '{pck.Subject}' has no SGX extension {SgxExtensionsOid}");
        try
        {
            var components = new int[SgxTcbComponentCount];
            var seenComponents = 0;
            int? pceSvn = null;
            byte[]? fmspc = null;
            byte[]? pceId = null;
            var outer = new AsnReader(ext.RawData, AsnEncodingRules.DER).ReadSequence();
            while (outer.HasData)
            {
                var pair = outer.ReadSequence();
                var oid = pair.ReadObjectIdentifier();
                switch (oid)
                {
                    case TcbOid:
                        var tcb = pair.ReadSequence();
                        while (tcb.HasData)
                        {
                            var item = tcb.ReadSequence();
                            var itemOid = item.ReadObjectIdentifier();
                            if (itemOid == PceSvnOid)
                            {
                                pceSvn = ReadSmallInt(item);
                            }
                            else if (itemOid.StartsWith(TcbOid + ".", StringComparison.Ordinal)
                                && int.TryParse(itemOid.AsSpan(TcbOid.Length + 1), out var n) && n is >= 1 and <= SgxTcbComponentCount)
                            {
                                components[n - 1] = ReadSmallInt(item);
                                seenComponents |= 1 << (n - 1);
                            }
                        }

                        break;
                    case FmspcOid:
                        fmspc = pair.ReadOctetString();
                        break;
                    case PceIdOid:
                        pceId = pair.ReadOctetString();
                        break;
                }
            }

            if (seenComponents != 0xFFFF || pceSvn is null || fmspc is not { Length: 6 } || pceId is not { Length: 2 })
            {
                throw new PkiFormatException($"PCK certificate '{pck.Subject}': SGX extension lacks TCB components, PCESVN, FMSPC or PCE-ID");
            }

            return new PckExtensions(components, pceSvn.Value, fmspc, pceId);
        }
        catch (AsnContentException e)
        {
            throw new PkiFormatException($"PCK certificate '{pck.Subject}': SGX extension does not decode ({e.Message})", e);
        }
    }

    private static int ReadSmallInt(AsnReader reader) =>
        reader.TryReadInt32(out var v) && v is >= 0 and <= 65535 ? v : throw new AsnContentException("SVN out of range");
}
