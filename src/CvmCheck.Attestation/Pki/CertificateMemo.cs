using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CvmCheck.Attestation.Pki;

/// <summary>
/// Per-instance memo of values derived only from a certificate's DER (its SHA-256, its common name).
/// Sound because an <see cref="X509Certificate2"/> is immutable on .NET (Import throws; the DER of an
/// instance never changes), so the value computed once is the value every later call would compute.
/// Entries die with the certificate (weak table), so the memo needs no bound.
/// </summary>
internal static class CertificateMemo
{
    private sealed class Entry
    {
        public string? Sha256Hex;
        public string? SimpleName;
    }

    private static readonly ConditionalWeakTable<X509Certificate2, Entry> Entries = new();

    /// <summary>Upper-case hex SHA-256 of the DER, as <c>GetCertHashString(SHA256)</c> returns it.</summary>
    public static string Sha256Hex(X509Certificate2 cert)
    {
        var entry = Entries.GetValue(cert, static _ => new Entry());
        return entry.Sha256Hex ??= cert.GetCertHashString(HashAlgorithmName.SHA256);
    }

    /// <summary><c>GetNameInfo(SimpleName, forIssuer: false)</c>.</summary>
    public static string SimpleName(X509Certificate2 cert)
    {
        var entry = Entries.GetValue(cert, static _ => new Entry());
        return entry.SimpleName ??= cert.GetNameInfo(X509NameType.SimpleName, false);
    }
}
