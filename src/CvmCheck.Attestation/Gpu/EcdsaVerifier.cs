using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.X509;

namespace CvmCheck.Attestation.Gpu;

/// <summary>
/// ECDSA verification of r‖s signatures (IEEE P1363) with a certificate's public key, through the
/// platform's ECDsa (OpenSSL on Linux: the fast path, AOT-safe). The key is imported from the
/// certificate's SubjectPublicKeyInfo.
/// </summary>
public static class EcdsaVerifier
{
    public static ECDsa ImportKey(X509Certificate certificate)
    {
        try
        {
            if (certificate.GetPublicKey() is not ECPublicKeyParameters)
            {
                throw new CryptographicException($"'{certificate.SubjectDN}' does not hold an EC public key");
            }
        }
        catch (ArgumentException e)
        {
            throw new CryptographicException($"'{certificate.SubjectDN}' holds an invalid public key: {e.Message}", e);
        }

        var ecdsa = ECDsa.Create();
        try
        {
            ecdsa.ImportSubjectPublicKeyInfo(certificate.CertificateStructure.SubjectPublicKeyInfo.GetDerEncoded(), out _);
        }
        catch
        {
            ecdsa.Dispose();
            throw;
        }

        return ecdsa;
    }

    public static bool VerifyData(X509Certificate certificate, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature, HashAlgorithmName hash)
    {
        try
        {
            using var key = ImportKey(certificate);
            return VerifyData(key, data, signature, hash);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    public static bool VerifyData(ECDsa key, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature, HashAlgorithmName hash)
    {
        // A P-384 r‖s signature is 96 bytes; a wrong length is simply invalid, not an exception.
        var expected = 2 * ((key.KeySize + 7) / 8);
        if (signature.Length != expected)
        {
            return false;
        }

        return key.VerifyData(data, signature, hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }
}
