using System.Security.Cryptography;

namespace CvmCheck.Core.Bundles;

/// <summary>
/// Names and the hardware binding of an evidence bundle (DESIGN.md §6; docs/bundles.md). The writer puts
/// entries in this order: <see cref="Manifest"/>, <see cref="Signature"/> (when signed), the
/// <see cref="AttestationDirectory"/> entries (when attested), then <see cref="ArtifactsDirectory"/> sorted
/// by path (ordinal). The reader does not depend on the order.
/// </summary>
public static class BundleLayout
{
    public const string ManifestSchema = "cvmcheck/manifest/v1";
    public const string BindingSchema = "cvmcheck/binding/v1";

    public const string Manifest = "manifest.json";

    /// <summary>Detached CMS (PKCS #7) signature over the manifest's bytes as written.</summary>
    public const string Signature = "manifest.json.p7s";

    public const string ArtifactsDirectory = "artifacts";
    public const string ArtifactsPrefix = ArtifactsDirectory + "/";

    public const string AttestationDirectory = "attestation";
    public const string AttestationPrefix = AttestationDirectory + "/";
    public const string Binding = AttestationPrefix + "binding.json";
    public const string TdxQuote = AttestationPrefix + "tdx-quote.bin";

    /// <summary>Nonce length when <c>--nonce</c> is not given.</summary>
    public const int DefaultNonceLength = 32;

    /// <summary>Unix mode of every file entry; directories get <see cref="DirectoryMode"/>.</summary>
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    public const UnixFileMode DirectoryMode = FileMode | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    /// <summary>Fixed modification time of every entry (the manifest holds the real time), so the same
    /// evidence gives the same tar.</summary>
    public static readonly DateTimeOffset EntryTime = DateTimeOffset.UnixEpoch;

    public static string GpuReport(int index) => AttestationPrefix + "gpu-" + index.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".bin";

    public static string GpuCerts(int index) => AttestationPrefix + "gpu-" + index.ToString(System.Globalization.CultureInfo.InvariantCulture) + "-certs.pem";

    /// <summary>D = SHA-384 of manifest.json's bytes as stored.</summary>
    public static byte[] ManifestDigest(ReadOnlySpan<byte> manifest) => SHA384.HashData(manifest);

    /// <summary>TDX REPORTDATA = SHA-512(nonce ‖ D), 64 bytes.</summary>
    public static byte[] TdxReportData(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> manifestDigest) => SHA512.HashData(Concat(nonce, manifestDigest));

    /// <summary>GPU SPDM request nonce = SHA-256(nonce ‖ D), 32 bytes.</summary>
    public static byte[] GpuRequestNonce(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> manifestDigest) => SHA256.HashData(Concat(nonce, manifestDigest));

    private static byte[] Concat(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        var all = new byte[a.Length + b.Length];
        a.CopyTo(all);
        b.CopyTo(all.AsSpan(a.Length));
        return all;
    }
}
