using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CvmCheck.Attestation.Pki;

/// <summary>
/// Remembers the outcome of time-independent checks (a signature by an issuer's key, a CA flag) keyed by
/// the SHA-256 of the exact DER of both certificates or CRLs, so a verifier serving many quotes from one
/// platform verifies each certificate link once. Sound because the key covers every signed byte and the
/// issuer key; time-dependent checks (validity windows) are never cached. Bounded: cleared when full.
/// </summary>
internal static class SignatureCache
{
    private const int Capacity = 4096;
    private static readonly ConcurrentDictionary<string, PkiIssue[]> Results = new(StringComparer.Ordinal);

    public static PkiIssue[] GetOrAdd(ReadOnlySpan<byte> subjectDer, X509Certificate2 issuer, Func<PkiIssue[]> compute)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(subjectDer, hash);
        var key = Convert.ToHexString(hash) + ":" + issuer.GetCertHashString(HashAlgorithmName.SHA256);
        if (Results.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var value = compute();
        if (Results.Count >= Capacity)
        {
            Results.Clear();
        }

        Results[key] = value;
        return value;
    }
}
