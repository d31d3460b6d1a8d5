using System.Formats.Asn1;
using Org.BouncyCastle.X509;

namespace CvmCheck.Attestation.Gpu;

/// <summary>
/// The firmware ID a GPU's leaf (GSP FMC) certificate carries in a TCG DICE TcbInfo extension
/// (TCG "DICE Attestation Architecture" §6.1.1: <c>fwids [6] FWIDLIST</c>, each FWID = SEQUENCE
/// { hashAlg OID, digest OCTET STRING }). Hopper leaves use OID 2.23.133.5.4.1 in an older layout
/// (SEQUENCE { INTEGER, SubjectPublicKeyInfo, FWID }); Blackwell uses 2.23.133.5.4.1.1 with TcbInfo.
/// Both are read by walking the structure for FWID sequences, so either layout works.
/// </summary>
public static class FwidExtension
{
    public const string TcbInfoOid = "2.23.133.5.4.1";
    public const string TcbInfoOidBlackwell = "2.23.133.5.4.1.1";
    public const string Sha384Oid = "2.16.840.1.101.3.4.2.2";
    public const int Sha384Length = 48;

    /// <summary>Non-zero SHA-384 FWIDs in the leaf's TcbInfo extension; empty when it has none or it is malformed.</summary>
    public static IReadOnlyList<byte[]> Read(X509Certificate cert)
    {
        var found = new List<byte[]>();
        foreach (var oid in new[] { TcbInfoOid, TcbInfoOidBlackwell })
        {
            var ext = cert.GetExtensionValue(new Org.BouncyCastle.Asn1.DerObjectIdentifier(oid));
            if (ext is null)
            {
                continue;
            }

            try
            {
                Walk(ext.GetOctets(), found, 0);
            }
            catch (AsnContentException)
            {
                // A malformed extension yields no FWID, so the binding check fails closed.
            }
        }

        return found;
    }

    private static void Walk(ReadOnlyMemory<byte> der, List<byte[]> found, int depth)
    {
        if (depth > 8)
        {
            return;
        }

        var reader = new AsnReader(der, AsnEncodingRules.DER);
        while (reader.HasData)
        {
            var tag = reader.PeekTag();
            var encoded = reader.ReadEncodedValue();
            if (!tag.IsConstructed)
            {
                continue;
            }

            if (TryReadFwid(encoded, out var digest))
            {
                if (digest.AsSpan().ContainsAnyExcept((byte)0))
                {
                    found.Add(digest);
                }

                continue;
            }

            // Descend into the content of any constructed value (SEQUENCE, [6] FWIDLIST, …).
            AsnDecoder.ReadEncodedValue(encoded.Span, AsnEncodingRules.DER, out var contentOffset, out var contentLength, out _);
            Walk(encoded.Slice(contentOffset, contentLength), found, depth + 1);
        }
    }

    private static bool TryReadFwid(ReadOnlyMemory<byte> encoded, out byte[] digest)
    {
        digest = [];
        try
        {
            var seq = new AsnReader(encoded, AsnEncodingRules.DER).ReadSequence();
            if (!seq.HasData || seq.PeekTag() != Asn1Tag.ObjectIdentifier)
            {
                return false;
            }

            var alg = seq.ReadObjectIdentifier();
            if (alg != Sha384Oid || !seq.HasData || seq.PeekTag() != Asn1Tag.PrimitiveOctetString)
            {
                return false;
            }

            var value = seq.ReadOctetString();
            if (seq.HasData || value.Length != Sha384Length)
            {
                return false;
            }

            digest = value;
            return true;
        }
        catch (AsnContentException)
        {
            return false;
        }
    }
}
