using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CvmCheck.Attestation.Pki;

namespace CvmCheck.Attestation.Tdx;

/// <summary>
/// Decoded PCK certificate chains keyed by the SHA-256 of the quote's certification data: every quote
/// from one platform carries the same PEM, and decoding three certificates costs more than verifying a
/// quote. Only decoding is cached; every check still runs per quote. Bounded: cleared when full.
/// </summary>
internal static class PckChainCache
{
    private const int Capacity = 1024;
    private static readonly ConcurrentDictionary<string, IReadOnlyList<X509Certificate2>> Chains = new(StringComparer.Ordinal);

    public static IReadOnlyList<X509Certificate2> Read(byte[] pem)
    {
        var key = Convert.ToHexString(SHA256.HashData(pem));
        if (Chains.TryGetValue(key, out var certs))
        {
            return certs;
        }

        certs = PemCertificates.Read(pem, "quote PCK certificate chain"); // throws PkiFormatException: not cached
        if (Chains.Count >= Capacity)
        {
            Chains.Clear();
        }

        Chains[key] = certs;
        return certs;
    }
}
