using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;

namespace CvmCheck.Attestation.Pki;

/// <summary>
/// Remembers the outcome of time-independent checks (a signature by an issuer's key, a CA flag) keyed by
/// the SHA-256 of the exact DER of both certificates or CRLs, so a verifier serving many quotes from one
/// platform verifies each certificate link once. Sound because the key covers every signed byte and the
/// issuer key; time-dependent checks (validity windows) are never cached. Bounded: cleared when full.
/// The SHA-256 of a certificate is memoised per (immutable) instance, see <see cref="CertificateMemo"/>.
/// </summary>
internal static class SignatureCache
{
    private const int Capacity = 4096;
    private static readonly ConcurrentDictionary<string, PkiIssue[]> Results = new(StringComparer.Ordinal);

    /// <summary>A link from certificate <paramref name="subject"/> to <paramref name="issuer"/>.</summary>
    public static PkiIssue[] GetOrAdd(X509Certificate2 subject, X509Certificate2 issuer, Func<PkiIssue[]> compute) =>
        GetOrAdd(CertificateMemo.Sha256Hex(subject), issuer, compute);

    /// <summary>A signed object (e.g. a CRL) given by the upper-case hex SHA-256 of its exact DER.</summary>
    public static PkiIssue[] GetOrAdd(string subjectSha256Hex, X509Certificate2 issuer, Func<PkiIssue[]> compute)
    {
        var key = subjectSha256Hex + ":" + CertificateMemo.Sha256Hex(issuer);
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
