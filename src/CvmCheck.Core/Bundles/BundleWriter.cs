using System.Formats.Tar;
using System.IO.Compression;

namespace CvmCheck.Core.Bundles;

/// <summary>
/// Writes a bundle: gzip over a PAX tar (System.Formats.Tar), entries in the fixed order of
/// <see cref="BundleLayout"/> (manifest first), fixed modes and time, no owner names. The caller owns
/// atomicity (<see cref="WriteAtomically"/> for files).
/// </summary>
public static class BundleWriter
{
    public static void Write(Stream destination, BundleImage image)
    {
        using var gzip = new GZipStream(destination, CompressionLevel.Optimal, leaveOpen: true);
        using var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true);
        AddFile(tar, BundleLayout.Manifest, image.Manifest);
        if (image.Signature is { } signature)
        {
            AddFile(tar, BundleLayout.Signature, signature);
        }

        foreach (var (path, bytes) in image.Attestation.OrderBy(a => a.Key == BundleLayout.Binding ? 0 : 1).ThenBy(a => a.Key, StringComparer.Ordinal))
        {
            AddFile(tar, path, bytes);
        }

        foreach (var artifact in image.Contents.Artifacts)
        {
            if (artifact.Entry.Kind == ManifestEntryKind.Directory)
            {
                tar.WriteEntry(new PaxTarEntry(TarEntryType.Directory, artifact.Entry.Path + "/")
                {
                    Mode = BundleLayout.DirectoryMode,
                    ModificationTime = BundleLayout.EntryTime,
                });
            }
            else
            {
                AddFile(tar, artifact.Entry.Path, artifact.Bytes);
            }
        }
    }

    /// <summary>Writes to a temporary file in the target's directory and renames it over the target only
    /// once complete; on any failure (including one thrown by <paramref name="beforeCommit"/>, a test hook)
    /// the temporary file is removed and no bundle appears.</summary>
    public static void WriteAtomically(string target, BundleImage image, Action<Stream>? beforeCommit = null)
    {
        var full = Path.GetFullPath(target);
        var directory = Path.GetDirectoryName(full) ?? throw new IOException($"{target}: no parent directory");
        var temp = Path.Combine(directory, $".{Path.GetFileName(full)}.{Environment.ProcessId}.partial");
        try
        {
            using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            {
                Write(file, image);
                beforeCommit?.Invoke(file);
                file.Flush(flushToDisk: true);
            }

            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            try
            {
                File.Delete(temp);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // the original failure is the one to report
            }

            throw;
        }
    }

    private static void AddFile(TarWriter tar, string path, byte[] bytes)
    {
        using var data = new MemoryStream(bytes, writable: false);
        tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, path)
        {
            Mode = BundleLayout.FileMode,
            ModificationTime = BundleLayout.EntryTime,
            DataStream = data,
        });
    }
}

/// <summary>Everything a bundle holds, ready to write: the manifest bytes as signed and bound, the
/// signature, the attestation entries by path, and the artifacts.</summary>
public sealed record BundleImage(byte[] Manifest, byte[]? Signature, IReadOnlyDictionary<string, byte[]> Attestation, BundleContents Contents);
