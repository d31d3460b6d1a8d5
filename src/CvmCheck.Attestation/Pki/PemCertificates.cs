using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace CvmCheck.Attestation.Pki;

/// <summary>Reads "-----BEGIN CERTIFICATE-----" blocks (RFC 7468) from text, in order.</summary>
public static class PemCertificates
{
    /// <summary>Every certificate in <paramref name="pem"/>; throws <see cref="PkiFormatException"/> naming
    /// <paramref name="source"/> when there is none or one does not decode.</summary>
    public static IReadOnlyList<X509Certificate2> Read(ReadOnlySpan<char> pem, string source)
    {
        var result = new List<X509Certificate2>();
        var rest = pem;
        var consumed = 0;
        while (PemEncoding.TryFind(rest, out var fields))
        {
            var label = rest[fields.Label];
            if (label.SequenceEqual("CERTIFICATE"))
            {
                var der = new byte[fields.DecodedDataLength];
                if (!Convert.TryFromBase64Chars(rest[fields.Base64Data], der, out var written))
                {
                    throw new PkiFormatException($"{source}: certificate {result.Count + 1} at character {consumed + fields.Location.Start.Value}: base64 does not decode");
                }

                result.Add(FromDer(der.AsSpan(0, written), $"{source}: certificate {result.Count + 1} at character {consumed + fields.Location.Start.Value}"));
            }

            var end = fields.Location.End.Value;
            consumed += end;
            rest = rest[end..];
        }

        if (result.Count == 0)
        {
            throw new PkiFormatException($"{source}: no PEM certificate found");
        }

        return result;
    }

    public static IReadOnlyList<X509Certificate2> Read(ReadOnlySpan<byte> utf8Pem, string source)
    {
        // PEM is ASCII; a NUL terminator (the quote's PCK chain sometimes has one) is not part of it.
        var trimmed = utf8Pem.TrimEnd((byte)0);
        return Read(Encoding.ASCII.GetString(trimmed).AsSpan(), source);
    }

    public static X509Certificate2 FromDer(ReadOnlySpan<byte> der, string source)
    {
        try
        {
            return X509CertificateLoader.LoadCertificate(der);
        }
        catch (CryptographicException e)
        {
            throw new PkiFormatException($"{source}: not a DER X.509 certificate ({e.Message})", e);
        }
    }
}
