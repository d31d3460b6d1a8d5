namespace CvmCheck.Attestation.Pki;

/// <summary>Equality of byte arrays by content (every byte, and the length), for caches keyed by the
/// exact bytes of a check's input: two keys are equal only when the inputs are identical, so no
/// collision assumption is involved. Hash codes use the process-randomised <see cref="HashCode"/>.</summary>
internal sealed class ByteKeyComparer : IEqualityComparer<byte[]>
{
    public static readonly ByteKeyComparer Instance = new();

    public bool Equals(byte[]? x, byte[]? y) =>
        ReferenceEquals(x, y) || (x is not null && y is not null && x.AsSpan().SequenceEqual(y));

    public int GetHashCode(byte[] obj)
    {
        var hash = new HashCode();
        hash.AddBytes(obj);
        return hash.ToHashCode();
    }
}
