using System.Buffers;
using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;

namespace CvmCheck.Core.Bundles;

/// <summary>The file is not a readable bundle: not gzip, not tar, truncated, or a CRC error (exit 2).
/// The message names the file position or entry where reading stopped.</summary>
public sealed class BundleUnreadableException(string message) : Exception(message);

/// <summary>Limits that keep a hostile bundle from exhausting memory or time. Defaults suit real
/// evidence (a few MiB) with a wide margin.</summary>
public sealed record BundleReadOptions
{
    public const long DefaultMaxEntryBytes = 256L * 1024 * 1024;
    public const long DefaultMaxTotalBytes = 2L * 1024 * 1024 * 1024;
    public const int DefaultMaxEntries = 100_000;

    /// <summary>Largest size one entry may claim (checked before its data is read).</summary>
    public long MaxEntryBytes { get; init; } = DefaultMaxEntryBytes;

    /// <summary>Most bytes the gzip stream may expand to (tar headers included): the gzip-bomb guard.</summary>
    public long MaxTotalBytes { get; init; } = DefaultMaxTotalBytes;

    public int MaxEntries { get; init; } = DefaultMaxEntries;

    /// <summary>Keep the bytes of <c>artifacts/</c> files in memory (for replay). Off for <c>verify</c>,
    /// which only hashes them, so its memory stays flat whatever the bundle's size.</summary>
    public bool KeepArtifacts { get; init; }
}

/// <summary>One tar entry that was read: its path (a trailing '/' of a directory removed), whether it
/// is a directory, its size and lower-case hex SHA-384 (empty for a directory).</summary>
public sealed record ArchiveEntry(string Path, bool IsDirectory, long Size, string Sha384);

/// <summary>What reading a bundle found. Entries that were refused (unsafe path, link, device, too
/// large, duplicate) are in <see cref="Problems"/>, never extracted and never in <see cref="Entries"/>.</summary>
public sealed class BundleArchive
{
    internal BundleArchive()
    {
    }

    public List<ArchiveEntry> Entries { get; } = [];

    /// <summary>Every structural problem, each naming the entry (reading continues past each, unless a
    /// limit stopped it).</summary>
    public List<string> Problems { get; } = [];

    public byte[]? Manifest { get; internal set; }

    public byte[]? Signature { get; internal set; }

    /// <summary><c>attestation/…</c> entries by full path.</summary>
    public Dictionary<string, byte[]> Attestation { get; } = new(StringComparer.Ordinal);

    /// <summary><c>artifacts/</c> files by path relative to <c>artifacts/</c> (only with
    /// <see cref="BundleReadOptions.KeepArtifacts"/>).</summary>
    public Dictionary<string, byte[]> Artifacts { get; } = new(StringComparer.Ordinal);

    /// <summary>Directories under <c>artifacts/</c>, relative to it.</summary>
    public HashSet<string> ArtifactDirectories { get; } = new(StringComparer.Ordinal);

    /// <summary>Bytes the gzip stream expanded to.</summary>
    public long ExpandedBytes { get; internal set; }
}

/// <summary>
/// Reads a bundle in place: gzip → tar (System.Formats.Tar) as one forward stream, each entry's data
/// hashed as it passes and never written to disk. Only regular files and directories are accepted;
/// symbolic and hard links, devices, FIFOs and anything else are refused by type, and names are checked
/// before use (no absolute paths, no <c>..</c>, no empty or <c>.</c> segments, no backslashes or NULs).
/// After the tar's end marker the rest of the gzip stream is read too, so the gzip CRC-32 and length
/// trailer (RFC 1952 §2.3.1) are always checked.
/// </summary>
public static class BundleReader
{
    private const int BufferSize = 1 << 20;
    private const int MaxPathLength = 4096;

    public static BundleArchive Read(string path, BundleReadOptions options)
    {
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BundleUnreadableException($"{path}: cannot open ({e.Message})");
        }

        using (file)
        {
            return Read(file, options);
        }
    }

    public static BundleArchive Read(Stream input, BundleReadOptions options)
    {
        if (input.CanSeek)
        {
            Span<byte> magic = stackalloc byte[2];
            var got = input.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
            if (got < 2 || magic[0] != 0x1f || magic[1] != 0x8b)
            {
                throw new BundleUnreadableException(got == 0 ? "empty file; not a gzip'd tar bundle" : "not gzip (no 1f 8b magic at offset 0); a bundle is a .tar.gz");
            }

            input.Position -= got;
        }

        var archive = new BundleArchive();
        using var gzip = new GZipStream(input, CompressionMode.Decompress, leaveOpen: true);
        var expanded = new LimitedReadStream(gzip, options.MaxTotalBytes);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        var entryName = "(start)";
        try
        {
            using var tar = new TarReader(expanded, leaveOpen: true);
            while (tar.GetNextEntry(copyData: false) is { } entry)
            {
                entryName = entry.Name;
                if (seen.Count >= options.MaxEntries)
                {
                    archive.Problems.Add($"more than {options.MaxEntries} entries; stopped reading at '{Printable(entry.Name)}'");
                    return archive;
                }

                var isDirectory = entry.EntryType == TarEntryType.Directory;
                var isFile = entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile;
                if (!isDirectory && !isFile)
                {
                    archive.Problems.Add($"entry '{Printable(entry.Name)}': type {entry.EntryType} refused (only regular files and directories)");
                    continue;
                }

                var name = isDirectory && entry.Name.EndsWith('/') ? entry.Name[..^1] : entry.Name;
                if (UnsafePathReason(name) is { } unsafeReason)
                {
                    archive.Problems.Add($"entry '{Printable(entry.Name)}': {unsafeReason}");
                    continue;
                }

                if (!seen.Add(name))
                {
                    archive.Problems.Add($"entry '{name}': duplicate");
                    continue;
                }

                if (entry.Length < 0 || entry.Length > options.MaxEntryBytes)
                {
                    archive.Problems.Add($"entry '{name}': claims {entry.Length} bytes, over the {options.MaxEntryBytes}-byte limit per entry; stopped reading");
                    return archive;
                }

                if (isDirectory)
                {
                    archive.Entries.Add(new ArchiveEntry(name, true, 0, string.Empty));
                    if (name.StartsWith(BundleLayout.ArtifactsPrefix, StringComparison.Ordinal))
                    {
                        archive.ArtifactDirectories.Add(name[BundleLayout.ArtifactsPrefix.Length..]);
                    }

                    continue;
                }

                var keep = options.KeepArtifacts || !name.StartsWith(BundleLayout.ArtifactsPrefix, StringComparison.Ordinal);
                var (sha, bytes) = HashData(entry.DataStream, entry.Length, keep, buffer);
                archive.Entries.Add(new ArchiveEntry(name, false, entry.Length, sha));
                if (bytes is not null)
                {
                    Store(archive, name, bytes);
                }
            }

            DrainTrailer(expanded, buffer, archive);
            CheckGzipLength(input, expanded.Position);
        }
        catch (BundleLimitException e)
        {
            archive.Problems.Add($"{e.Message} at entry '{Printable(entryName)}'; stopped reading (gzip bomb?)");
        }
        // TarReader reports some malformed headers (e.g. a PAX size field past the data) with
        // InvalidOperationException; found by fuzzing (fixtures/fuzz-regressions/bundle/).
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException or ArgumentException or OverflowException or IOException or InvalidOperationException)
        {
            var what = e is EndOfStreamException ? "truncated" : e.Message;
            throw new BundleUnreadableException($"unreadable after {expanded.Position} expanded bytes (entry '{Printable(entryName)}'): {what}");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            archive.ExpandedBytes = expanded.Position;
        }

        return archive;
    }

    /// <summary>Why a tar name may not be used as a bundle path, or null when it may.</summary>
    public static string? UnsafePathReason(string name)
    {
        if (name.Length == 0)
        {
            return "empty name";
        }

        if (name.Length > MaxPathLength)
        {
            return "name too long";
        }

        if (name[0] == '/')
        {
            return "absolute path refused";
        }

        if (name.Contains('\\', StringComparison.Ordinal) || name.Contains('\0', StringComparison.Ordinal))
        {
            return "backslash or NUL in name refused";
        }

        foreach (var segment in name.Split('/'))
        {
            if (segment is ".." or "." or "")
            {
                return segment == ".." ? "path traversal ('..') refused" : "empty or '.' path segment refused";
            }
        }

        return null;
    }

    private static (string Sha384, byte[]? Bytes) HashData(Stream? data, long length, bool keep, byte[] buffer)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA384);
        var kept = keep ? new byte[length] : null;
        long total = 0;
        if (data is not null)
        {
            int read;
            while ((read = data.Read(buffer, 0, BufferSize)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                if (kept is not null)
                {
                    buffer.AsSpan(0, read).CopyTo(kept.AsSpan((int)total));
                }

                total += read;
            }
        }

        if (total != length)
        {
            throw new EndOfStreamException();
        }

        return (Convert.ToHexStringLower(hash.GetHashAndReset()), kept);
    }

    private static void Store(BundleArchive archive, string name, byte[] bytes)
    {
        if (name == BundleLayout.Manifest)
        {
            archive.Manifest = bytes;
        }
        else if (name == BundleLayout.Signature)
        {
            archive.Signature = bytes;
        }
        else if (name.StartsWith(BundleLayout.AttestationPrefix, StringComparison.Ordinal))
        {
            archive.Attestation[name] = bytes;
        }
        else if (name.StartsWith(BundleLayout.ArtifactsPrefix, StringComparison.Ordinal))
        {
            archive.Artifacts[name[BundleLayout.ArtifactsPrefix.Length..]] = bytes;
        }
    }

    /// <summary>Reads past the tar end marker to the end of the gzip stream: zero padding is normal
    /// (tar records), anything else is data no manifest can vouch for.</summary>
    private static void DrainTrailer(Stream expanded, byte[] buffer, BundleArchive archive)
    {
        long trailing = 0;
        int read;
        while ((read = expanded.Read(buffer, 0, BufferSize)) > 0)
        {
            if (buffer.AsSpan(0, read).ContainsAnyExcept((byte)0))
            {
                trailing += read;
            }
        }

        if (trailing > 0)
        {
            archive.Problems.Add("non-zero data after the tar end-of-archive marker");
        }
    }

    /// <summary>zlib checks the CRC-32 and ISIZE trailer (RFC 1952 §2.3.1) when it is there, but a stream cut
    /// exactly after the last deflate block simply ends. So, for a file, the last four bytes must be the
    /// expanded length modulo 2^32 (a bundle is one gzip member, as cvmcheck and gzip(1) write it).</summary>
    private static void CheckGzipLength(Stream input, long expandedBytes)
    {
        if (!input.CanSeek)
        {
            return;
        }

        Span<byte> trailer = stackalloc byte[4];
        if (input.Length < 18)
        {
            throw new BundleUnreadableException("truncated: shorter than a gzip header and trailer");
        }

        input.Position = input.Length - 4;
        input.ReadExactly(trailer);
        var isize = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(trailer);
        if (isize != (uint)expandedBytes)
        {
            throw new BundleUnreadableException($"truncated or not a single gzip member: trailer ISIZE {isize}, but {expandedBytes} bytes expanded");
        }
    }

    private static string Printable(string name) =>
        string.Concat(name.Take(200).Select(c => char.IsControl(c) ? '?' : c));
}

internal sealed class BundleLimitException(string message) : Exception(message);

/// <summary>Counts what is read through it and fails once <c>limit</c> is passed.</summary>
internal sealed class LimitedReadStream(Stream inner, long limit) : Stream
{
    private long position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = inner.Read(buffer);
        position += read;
        if (position > limit)
        {
            throw new BundleLimitException($"expanded past the {limit}-byte limit");
        }

        return read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
