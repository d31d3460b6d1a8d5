using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using CvmCheck.Attestation.Pki;

namespace CvmCheck.Attestation.Tdx;

/// <summary>
/// Imported attestation keys, keyed by the exact 64 bytes of the quote's key. A QE keeps one attestation
/// key for many quotes, and OpenSSL's import validates the point (on the curve, right order), which costs
/// more than a signature verification. Sound because the import is a pure function of those bytes: the
/// same bytes give the same key, a point that fails validation is never cached (it fails again next
/// time). Only the import is cached, never a verification. Per thread, so a cached <see cref="ECDsa"/>
/// is never used by two threads at once. Bounded: cleared (and disposed) when full.
/// </summary>
internal static class AttestationKeyCache
{
    private const int Capacity = 256;

    [ThreadStatic]
    private static Dictionary<byte[], ECDsa>? _keys;

    /// <summary>The imported key (owned by the cache: do not dispose), or false when the bytes are not a P-256 point.</summary>
    public static bool TryGet(byte[] rawXy, out ECDsa? key)
    {
        var keys = _keys ??= new Dictionary<byte[], ECDsa>(ByteKeyComparer.Instance);
        if (keys.TryGetValue(rawXy, out key))
        {
            return true;
        }

        if (!TdxQuoteVerifier.TryImportP256(rawXy, out key))
        {
            return false;
        }

        if (keys.Count >= Capacity)
        {
            foreach (var old in keys.Values)
            {
                old.Dispose();
            }

            keys.Clear();
        }

        keys[rawXy.ToArray()] = key!;
        return true;
    }
}

/// <summary>
/// Outcomes of the QE report signature check (ECDSA P-256 by the PCK leaf key), keyed by the exact bytes
/// of everything the check reads: the 384-byte QE report, the 64-byte r‖s signature and the PCK leaf's
/// SubjectPublicKeyInfo, each length-prefixed. Every quote made with one attestation key carries the same
/// QE report and signature. Sound because the outcome is a pure function of those bytes, like the
/// certificate-signature cache: a different byte anywhere is a different key, so it is verified afresh.
/// Bounded: cleared when full.
/// </summary>
internal static class QeReportSignatureCache
{
    private const int Capacity = 4096;
    private static readonly ConcurrentDictionary<byte[], bool> Outcomes = new(ByteKeyComparer.Instance);

    public static bool GetOrAdd(ReadOnlySpan<byte> report, ReadOnlySpan<byte> signature, ReadOnlySpan<byte> publicKeyInfo, Func<bool> verify)
    {
        var key = new byte[12 + report.Length + signature.Length + publicKeyInfo.Length];
        var offset = 0;
        Put(key, ref offset, report);
        Put(key, ref offset, signature);
        Put(key, ref offset, publicKeyInfo);
        if (Outcomes.TryGetValue(key, out var ok))
        {
            return ok;
        }

        ok = verify();
        if (Outcomes.Count >= Capacity)
        {
            Outcomes.Clear();
        }

        Outcomes[key] = ok;
        return ok;
    }

    private static void Put(byte[] key, ref int offset, ReadOnlySpan<byte> part)
    {
        BinaryPrimitives.WriteInt32BigEndian(key.AsSpan(offset), part.Length);
        part.CopyTo(key.AsSpan(offset + 4));
        offset += 4 + part.Length;
    }
}
