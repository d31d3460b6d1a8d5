using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using CvmCheck.Attestation.Pki;

namespace CvmCheck.Attestation.Tdx;

/// <summary>
/// A decoded PCK certificate chain from a quote's certification data, with what is derived from the
/// leaf's DER alone: its SubjectPublicKeyInfo and its SGX extension. Everything here is a pure function
/// of the certification-data bytes; every check (chain signatures, validity at the verification time,
/// revocation, FMSPC) still runs per quote.
/// </summary>
internal sealed class PckChain
{
    private readonly Lazy<(PckExtensions? Value, string? Error)> _extensions;

    public PckChain(IReadOnlyList<X509Certificate2> certificates)
    {
        Certificates = certificates;
        LeafSubjectPublicKeyInfo = certificates[0].PublicKey.ExportSubjectPublicKeyInfo();
        _extensions = new(() =>
        {
            try
            {
                return (PckExtensions.Read(Leaf), null);
            }
            catch (PkiFormatException e)
            {
                return (null, e.Message);
            }
        });
    }

    public IReadOnlyList<X509Certificate2> Certificates { get; }

    public X509Certificate2 Leaf => Certificates[0];

    /// <summary>The leaf's DER SubjectPublicKeyInfo (curve and point): the key the QE report is checked with.</summary>
    public byte[] LeafSubjectPublicKeyInfo { get; }

    /// <summary>The leaf's SGX extension; throws <see cref="PkiFormatException"/> (a fresh one per call) when it does not decode.</summary>
    public PckExtensions ReadExtensions()
    {
        var (value, error) = _extensions.Value;
        return value ?? throw new PkiFormatException(error!);
    }
}

/// <summary>
/// Decoded PCK certificate chains keyed by the exact bytes of the quote's certification data: every quote
/// from one platform carries the same PEM, and decoding three certificates costs more than verifying a
/// quote. Only decoding is cached; every check still runs per quote. Bounded: cleared when full.
/// </summary>
internal static class PckChainCache
{
    private const int Capacity = 1024;
    private static readonly ConcurrentDictionary<byte[], PckChain> Chains = new(ByteKeyComparer.Instance);

    public static PckChain Read(byte[] pem)
    {
        if (Chains.TryGetValue(pem, out var chain))
        {
            return chain;
        }

        chain = new PckChain(PemCertificates.Read(pem, "quote PCK certificate chain")); // throws PkiFormatException: not cached
        if (Chains.Count >= Capacity)
        {
            Chains.Clear();
        }

        Chains[pem.ToArray()] = chain; // a private copy: the caller's array may change later
        return chain;
    }
}
