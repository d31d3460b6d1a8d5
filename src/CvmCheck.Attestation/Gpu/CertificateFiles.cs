using System.Text;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;

namespace CvmCheck.Attestation.Gpu;

/// <summary>Reads certificates from PEM text (any number, in order) or base64/DER blobs.</summary>
public static class CertificateFiles
{
    private const string Begin = "-----BEGIN CERTIFICATE-----";
    private const string End = "-----END CERTIFICATE-----";

    /// <summary>Every certificate in the PEM text, in file order. Throws <see cref="FormatException"/> on a bad block.</summary>
    public static IReadOnlyList<X509Certificate> ParsePem(string pem)
    {
        var list = new List<X509Certificate>();
        var pos = 0;
        while (true)
        {
            var start = pem.IndexOf(Begin, pos, StringComparison.Ordinal);
            if (start < 0)
            {
                break;
            }

            var end = pem.IndexOf(End, start, StringComparison.Ordinal);
            if (end < 0)
            {
                throw new FormatException($"certificate #{list.Count + 1} has no '{End}' line");
            }

            var body = pem.AsSpan(start + Begin.Length, end - start - Begin.Length);
            list.Add(ParseBase64(body.ToString(), $"certificate #{list.Count + 1}"));
            pos = end + End.Length;
        }

        return list;
    }

    public static X509Certificate ParseBase64(string base64, string what)
    {
        byte[] der;
        try
        {
            der = Convert.FromBase64String(string.Concat(base64.Where(c => !char.IsWhiteSpace(c))));
        }
        catch (FormatException e)
        {
            throw new FormatException($"{what} is not valid base64: {e.Message}", e);
        }

        return ParseDer(der, what);
    }

    public static X509Certificate ParseDer(byte[] der, string what)
    {
        try
        {
            var certificate = new X509Certificate(der);

            // BouncyCastle decodes the key lazily; decode it now so a bad key (an EC point off the
            // curve) is a format error here, not an ArgumentException deep inside verification.
            // The same for the extensions the chain validator reads.
            _ = certificate.GetPublicKey();
            _ = certificate.GetKeyUsage();
            _ = certificate.GetBasicConstraints();
            _ = certificate.GetExtendedKeyUsage();
            return certificate;
        }
        catch (Exception e) when (e is GeneralSecurityException or SecurityUtilityException or Org.BouncyCastle.Crypto.CryptoException
            or ArgumentException or IOException or InvalidOperationException or InvalidCastException or FormatException)
        {
            throw new FormatException($"{what} is not a DER X.509 certificate: {e.Message}", e);
        }
    }

    /// <summary>Reads a PEM file of one or more certificates (a DER file is accepted too).</summary>
    public static IReadOnlyList<X509Certificate> ReadFile(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var text = Encoding.ASCII.GetString(bytes);
        if (text.Contains(Begin, StringComparison.Ordinal))
        {
            return ParsePem(text);
        }

        return [ParseDer(bytes, Path.GetFileName(path))];
    }
}
