using System.Text;
using Org.BouncyCastle.X509;

namespace CvmCheck.Attestation.Gpu.Nvml;

/// <summary>
/// Decodes the <c>attestationCertChain</c> bytes NVML returns. NVIDIA's drivers fill it with concatenated
/// PEM blocks, leaf (GSP FMC LF) first and the device root last — NVIDIA's own verifiers split it on
/// the PEM markers — but the header only promises bytes, so concatenated DER certificates are accepted
/// too. Trailing NULs (a C buffer) are ignored — after the last certificate, never inside one (a DER
/// certificate may well end in 0x00).
/// </summary>
public static class NvmlCertificateChain
{
    private const byte DerSequenceTag = 0x30;

    /// <summary>The certificates in order. Throws <see cref="FormatException"/> naming the byte offset of what does not decode.</summary>
    public static IReadOnlyList<X509Certificate> Parse(ReadOnlySpan<byte> bytes)
    {
        var trimmed = bytes.TrimEnd((byte)0);
        if (trimmed.IsEmpty)
        {
            throw new FormatException("the attestation certificate chain is empty");
        }

        if (trimmed.IndexOf("-----BEGIN CERTIFICATE-----"u8) >= 0)
        {
            var chain = CertificateFiles.ParsePem(Encoding.ASCII.GetString(trimmed));
            return chain.Count > 0 ? chain : throw new FormatException("no PEM certificate in the attestation certificate chain");
        }

        var list = new List<X509Certificate>();
        var offset = 0;
        while (offset < bytes.Length && bytes[offset..].ContainsAnyExcept((byte)0))
        {
            var length = DerElementLength(bytes[offset..]);
            if (length <= 0 || offset + length > bytes.Length)
            {
                throw new FormatException($"attestation certificate chain at offset {offset}: not a DER certificate (neither PEM nor DER)");
            }

            list.Add(CertificateFiles.ParseDer(bytes.Slice(offset, length).ToArray(), $"certificate #{list.Count + 1} at offset {offset}"));
            offset += length;
        }

        return list;
    }

    /// <summary>Total length (header + content) of the DER SEQUENCE at the start of <paramref name="der"/>, or -1 (X.690 §8.1.3 definite lengths only).</summary>
    private static int DerElementLength(ReadOnlySpan<byte> der)
    {
        if (der.Length < 2 || der[0] != DerSequenceTag)
        {
            return -1;
        }

        var first = der[1];
        if (first < 0x80)
        {
            return 2 + first;
        }

        var count = first & 0x7F;
        if (count is 0 or > 3 || der.Length < 2 + count)
        {
            return -1;
        }

        var length = 0;
        for (var i = 0; i < count; i++)
        {
            length = (length << 8) | der[2 + i];
        }

        return 2 + count + length;
    }
}
