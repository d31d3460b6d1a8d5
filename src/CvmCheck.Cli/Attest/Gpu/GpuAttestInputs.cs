using System.Globalization;
using System.Text;
using System.Text.Json;
using CvmCheck.Attestation.Gpu;
using CvmCheck.Formats.Spdm;
using Org.BouncyCastle.X509;

namespace CvmCheck.Cli.Attest.Gpu;

/// <summary>Reads and checks the files and values given to <c>attest gpu</c>; every problem is a <see cref="UserInputException"/> naming the file or option (exit 2).</summary>
internal static class GpuAttestInputs
{
    public static (SpdmMeasurementReport Report, IReadOnlyList<X509Certificate>? EmbeddedChain) ReadReport(string path, string option = "--report")
    {
        var content = ReadAll(path, option);
        IReadOnlyList<X509Certificate>? chain = null;
        byte[] bytes;
        var first = content.AsSpan().TrimStart(" \t\r\n"u8);
        if (first.Length > 0 && first[0] is (byte)'[' or (byte)'{')
        {
            (bytes, chain) = ReadSerializedEvidence(content, path);
        }
        else
        {
            bytes = SpdmReportFile.Decode(content);
        }

        if (!SpdmMeasurementReport.TryParse(bytes, out var report, out var failure))
        {
            throw new UserInputException($"{path}: not a GPU attestation report: {failure}");
        }

        return (report, chain);
    }

    /// <summary>
    /// NVIDIA attestation-sdk serialized evidence: a JSON array (or one object) with base64 <c>evidence</c>
    /// and base64 PEM <c>certificate</c>; the first GPU is used. Its <c>nonce</c> field is ignored on
    /// purpose: evidence cannot vouch for its own freshness, only <c>--nonce</c> can.
    /// </summary>
    private static (byte[] Report, IReadOnlyList<X509Certificate>? Chain) ReadSerializedEvidence(byte[] content, string path)
    {
        try
        {
            using var json = JsonDocument.Parse(content);
            var item = json.RootElement.ValueKind == JsonValueKind.Array
                ? (json.RootElement.GetArrayLength() > 0 ? json.RootElement[0] : throw new UserInputException($"{path}: empty evidence array"))
                : json.RootElement;
            var evidence = item.TryGetProperty("evidence", out var e) ? e.GetString() : null;
            if (evidence is null)
            {
                throw new UserInputException($"{path}: JSON evidence has no \"evidence\" field");
            }

            IReadOnlyList<X509Certificate>? chain = null;
            if (item.TryGetProperty("certificate", out var c) && c.GetString() is { } certificate)
            {
                chain = CertificateFiles.ParsePem(Encoding.ASCII.GetString(Convert.FromBase64String(certificate)));
            }

            return (Convert.FromBase64String(evidence), chain);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException)
        {
            throw new UserInputException($"{path}: unreadable serialized evidence: {ex.Message}");
        }
    }

    public static IReadOnlyList<X509Certificate> ReadChain(string path, string option = "--certs")
    {
        _ = ReadAll(path, option);
        try
        {
            var chain = CertificateFiles.ReadFile(path);
            return chain.Count > 0 ? chain : throw new UserInputException($"{path}: no certificate found ({option} expects PEM, leaf first)");
        }
        catch (FormatException e)
        {
            throw new UserInputException($"{path}: {e.Message}");
        }
    }

    public static byte[] ParseNonce(string hex, string option = "--nonce")
    {
        var text = hex.Trim();
        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            text = text[2..];
        }

        byte[] nonce;
        try
        {
            nonce = Convert.FromHexString(text);
        }
        catch (FormatException)
        {
            throw new UserInputException($"{option} '{hex}' is not hex");
        }

        return nonce.Length == SpdmLayout.NonceLength
            ? nonce
            : throw new UserInputException($"{option} is {nonce.Length} bytes; an SPDM GET_MEASUREMENTS nonce is {SpdmLayout.NonceLength} bytes (64 hex digits)");
    }

    public static DateTimeOffset ParseTime(string? text, TimeProvider clock, string option = "--at")
    {
        if (text is null)
        {
            return clock.GetUtcNow();
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at)
            ? at
            : throw new UserInputException($"{option} '{text}' is not a time (use ISO 8601, e.g. 2025-01-31T12:00:00Z)");
    }

    /// <summary>Every *.xml and *.swidtag file under DIR (recursively), named by path relative to DIR, in ordinal order.</summary>
    public static IReadOnlyList<RimInput> ReadRims(string directory, string option = "--rims")
    {
        if (!Directory.Exists(directory))
        {
            throw new UserInputException($"{option} {directory}: no such directory");
        }

        var files = Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".xml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".swidtag", StringComparison.OrdinalIgnoreCase))
            .OrderBy(f => f, StringComparer.Ordinal)
            .Select(f => new RimInput(Path.GetRelativePath(directory, f), ReadAll(f, option)))
            .ToList();
        return files.Count > 0 ? files : throw new UserInputException($"{option} {directory}: no .xml or .swidtag RIM files found");
    }

    public static string CheckOcspDirectory(string directory) =>
        Directory.Exists(directory) ? directory : throw new UserInputException($"--ocsp {directory}: no such directory");

    private static byte[] ReadAll(string path, string option)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"{option} {path}: {e.Message}");
        }
    }
}
