using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using CvmCheck.Attestation.Cms;
using CvmCheck.Core.Bundles;
using CvmCheck.Formats.Tdx;
using CvmCheck.Testing;

namespace CvmCheck.Core.Tests.Bundles;

/// <summary>Builds small bundles in memory for the specification tests, and takes them apart again.</summary>
internal static class TestBundles
{
    public static readonly byte[] Nonce = Convert.FromHexString("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");

    /// <summary>The real Intel-signed v4 quote of the TDX fixtures (fixtures/attestation/tdx/…/PROVENANCE).</summary>
    public static readonly string QuoteFixture = Repo.Fixture("attestation", "tdx", "dcapqvl_v4_b0c06f_uptodate");

    /// <summary>REPORTDATA of a v4 quote: header, then the TD report body (Intel TDX DCAP Quote Library API, A.3).</summary>
    public const int QuoteReportDataOffset = TdxQuoteLayout.HeaderLength + TdReportBodyLayout.ReportDataOffset;

    public static BundleContents Small() => BundleContents.FromFiles(
    [
        new("proc/cpuinfo", Encoding.UTF8.GetBytes("processor\t: 0\nflags\t\t: fpu tdx_guest\n")),
        new("proc/sys/kernel/osrelease", Encoding.UTF8.GetBytes("6.8.0-1014-intel\n")),
        new("commands/uname_-r.out", Encoding.UTF8.GetBytes("6.8.0-1014-intel\n")),
    ]);

    public static byte[] ManifestBytes(BundleContents contents, byte[]? nonce = null, string host = "tdx-guest-1") =>
        ManifestJson.Write(new BundleManifest
        {
            ToolVersion = "0.1.0-test",
            Created = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero),
            Host = host,
            Source = "test",
            Nonce = nonce ?? Nonce,
            Artifacts = contents.Entries,
            Findings = new FindingsSummary { Policies = ["baseline"], Verdict = "pass", Counts = new Dictionary<string, int> { ["pass"] = 3 } },
        });

    /// <summary>The real quote with REPORTDATA replaced, as a TDX guest would produce for that REPORTDATA
    /// (its Intel signature no longer verifies: only the binding is under test).</summary>
    public static byte[] QuoteWithReportData(byte[] reportData)
    {
        var quote = System.IO.File.ReadAllBytes(Path.Combine(QuoteFixture, "quote.bin"));
        reportData.CopyTo(quote, QuoteReportDataOffset);
        return quote;
    }

    public static byte[] Build(BundleContents? contents = null, X509Certificate2? signer = null, bool attest = false, byte[]? manifest = null, Func<byte[], byte[]>? quoteFor = null)
    {
        contents ??= Small();
        manifest ??= ManifestBytes(contents);
        var signature = signer is null ? null : ManifestSigner.Sign(manifest, signer, DateTimeOffset.UtcNow.AddMinutes(-1));
        var attestation = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        if (attest)
        {
            var binding = new BundleBinding { Nonce = Nonce, ManifestSha384 = BundleLayout.ManifestDigest(manifest), TdxQuote = BundleLayout.TdxQuote, GpuNote = BundleBinding.GpuNotCollected };
            attestation[BundleLayout.Binding] = binding.ToJson();
            attestation[BundleLayout.TdxQuote] = (quoteFor ?? QuoteWithReportData)(binding.TdxReportData);
        }

        using var output = new MemoryStream();
        BundleWriter.Write(output, new BundleImage(manifest, signature, attestation, contents));
        return output.ToArray();
    }

    public static BundleVerification Verify(byte[] bundle, BundleVerifyOptions? options = null) =>
        BundleVerifier.Verify(new MemoryStream(bundle), options ?? new BundleVerifyOptions { AllowUnsigned = true });

    public static byte[] Gunzip(byte[] gz)
    {
        using var input = new GZipStream(new MemoryStream(gz), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }

    public static byte[] Gzip(byte[] tar)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(tar);
        }

        return output.ToArray();
    }

    /// <summary>Every entry of an uncompressed tar with where its content lies.</summary>
    public static IReadOnlyList<(string Name, long Offset, long Length)> ContentRegions(byte[] tar)
    {
        var regions = new List<(string, long, long)>();
        using var reader = new TarReader(new MemoryStream(tar));
        while (reader.GetNextEntry() is { } entry)
        {
            regions.Add((entry.Name, entry.DataOffset, entry.Length));
        }

        return regions;
    }

    /// <summary>Re-packs a bundle's entries through <paramref name="edit"/> (which may drop, add or change
    /// entries) with TarWriter, so structural attacks are built with the real tar implementation.</summary>
    public static byte[] Repack(byte[] bundle, Func<List<TarEntry>, IEnumerable<TarEntry>> edit)
    {
        var entries = new List<TarEntry>();
        using (var reader = new TarReader(new GZipStream(new MemoryStream(bundle), CompressionMode.Decompress)))
        {
            while (reader.GetNextEntry(copyData: true) is { } entry)
            {
                entries.Add(entry);
            }
        }

        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        using (var writer = new TarWriter(gzip, TarEntryFormat.Pax))
        {
            foreach (var entry in edit(entries))
            {
                entry.DataStream?.Seek(0, SeekOrigin.Begin);
                writer.WriteEntry(entry);
            }
        }

        return output.ToArray();
    }

    public static PaxTarEntry File(string name, string content) => new(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)) };

    public static IEnumerable<string> FailureDetails(BundleVerification v) => v.Failures.Select(f => $"{f.Name}: {f.Detail}");
}
