using System.Formats.Tar;
using System.Text;
using CvmCheck.Core.Bundles;
using CvmCheck.Testing;

namespace CvmCheck.Core.Tests.Bundles;

/// <summary>Structural attacks: entries added, removed, renamed, duplicated; traversal, links, devices;
/// oversized entries and gzip bombs; forged or misplaced signatures and bindings. Each is rejected with a
/// reason naming what is wrong, and nothing is ever extracted.</summary>
public sealed class BundleAttackTests
{
    private static readonly TestCertificateAuthority Root = TestCertificateAuthority.CreateRoot();

    [Fact]
    public void Added_entry_is_reported_as_not_in_the_manifest()
    {
        var bundle = TestBundles.Repack(TestBundles.Build(), e => e.Append(TestBundles.File("artifacts/proc/cmdline", "quiet")));

        Assert.Contains("'artifacts/proc/cmdline': not listed in the manifest (added or renamed)", Details(bundle));
    }

    [Fact]
    public void Parent_directory_entries_added_by_plain_tar_are_accepted_but_a_new_empty_directory_is_not()
    {
        var withParents = TestBundles.Repack(TestBundles.Build(), e => e
            .Append(new PaxTarEntry(TarEntryType.Directory, "artifacts/"))
            .Append(new PaxTarEntry(TarEntryType.Directory, "artifacts/proc/sys/")));
        var withNewDirectory = TestBundles.Repack(TestBundles.Build(), e => e.Append(new PaxTarEntry(TarEntryType.Directory, "artifacts/sys/firmware/efi/")));

        Assert.True(TestBundles.Verify(withParents).Valid, string.Join("\n", TestBundles.FailureDetails(TestBundles.Verify(withParents))));
        Assert.Contains("'artifacts/sys/firmware/efi': not listed in the manifest (added or renamed)", Details(withNewDirectory));
    }

    [Fact]
    public void Removed_entry_is_reported_as_missing()
    {
        var bundle = TestBundles.Repack(TestBundles.Build(), e => e.Where(x => x.Name != "artifacts/proc/cpuinfo"));

        Assert.Contains("'artifacts/proc/cpuinfo': listed in the manifest but missing", Details(bundle));
    }

    [Fact]
    public void Renamed_entry_is_reported_both_as_extra_and_missing()
    {
        var bundle = TestBundles.Repack(TestBundles.Build(), e => e.Select(x => x.Name == "artifacts/proc/cpuinfo" ? Renamed(x, "artifacts/proc/cpuinfo2") : x));

        var details = Details(bundle);
        Assert.Contains("'artifacts/proc/cpuinfo2': not listed in the manifest (added or renamed)", details);
        Assert.Contains("'artifacts/proc/cpuinfo': listed in the manifest but missing", details);
    }

    [Fact]
    public void Duplicated_entry_is_refused_even_with_identical_bytes()
    {
        var bundle = TestBundles.Repack(TestBundles.Build(), e => e.Concat(e.Where(x => x.Name == "artifacts/proc/cpuinfo").Select(x => Renamed(x, x.Name))));

        Assert.Contains("entry 'artifacts/proc/cpuinfo': duplicate", Details(bundle));
    }

    [Fact]
    public void Second_manifest_after_the_first_is_refused_as_a_duplicate()
    {
        var other = TestBundles.ManifestBytes(TestBundles.Small(), host: "attacker");
        var bundle = TestBundles.Repack(TestBundles.Build(), e => e.Append(new PaxTarEntry(TarEntryType.RegularFile, "manifest.json") { DataStream = new MemoryStream(other) }));

        var verification = TestBundles.Verify(bundle);

        Assert.Contains("entry 'manifest.json': duplicate", TestBundles.FailureDetails(verification).Select(Strip));
        Assert.Equal("tdx-guest-1", verification.Manifest!.Host);
    }

    [Theory]
    [InlineData("../../etc/cron.d/evil", "path traversal")]
    [InlineData("artifacts/../manifest.json", "path traversal")]
    [InlineData("/etc/passwd", "absolute path")]
    [InlineData("artifacts//proc/cpuinfo", "empty or '.'")]
    [InlineData("artifacts/./proc", "empty or '.'")]
    [InlineData("artifacts\\proc", "backslash")]
    public void Unsafe_names_are_refused(string name, string reason)
    {
        var bundle = TestBundles.Repack(TestBundles.Build(), e => e.Append(TestBundles.File(name, "x")));

        var verification = TestBundles.Verify(bundle);

        Assert.False(verification.Valid);
        Assert.Contains(verification.Failures, f => f.Name == BundleCheckNames.Archive && f.Detail.Contains(reason, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(TarEntryType.SymbolicLink)]
    [InlineData(TarEntryType.HardLink)]
    [InlineData(TarEntryType.CharacterDevice)]
    [InlineData(TarEntryType.BlockDevice)]
    [InlineData(TarEntryType.Fifo)]
    public void Links_and_device_entries_are_refused_by_type(TarEntryType type)
    {
        var entry = new PaxTarEntry(type, "artifacts/proc/cmdline");
        if (type is TarEntryType.SymbolicLink or TarEntryType.HardLink)
        {
            entry.LinkName = "/etc/shadow";
        }

        var bundle = TestBundles.Repack(TestBundles.Build(), e => e.Append(entry));

        var verification = TestBundles.Verify(bundle);

        Assert.Contains(verification.Failures, f => f.Detail == $"entry 'artifacts/proc/cmdline': type {type} refused (only regular files and directories)");
    }

    [Fact]
    public void Link_replacing_an_artifact_is_refused_and_the_artifact_reported_missing()
    {
        var bundle = TestBundles.Repack(TestBundles.Build(), e => e.Select(x => x.Name == "artifacts/proc/cpuinfo"
            ? new PaxTarEntry(TarEntryType.SymbolicLink, x.Name) { LinkName = "/proc/cpuinfo" }
            : x));

        var details = Details(bundle);

        Assert.Contains("'artifacts/proc/cpuinfo': listed in the manifest but missing", details);
    }

    [Fact]
    public void Entry_claiming_ten_gigabytes_is_refused_before_any_of_it_is_read()
    {
        // A PAX 'size' record (POSIX.1-2008 pax, "size") claims 10 GiB for an entry whose data is absent.
        var tar = TestBundles.Gunzip(TestBundles.Build())[..^1024]; // drop the end-of-archive blocks
        var claim = RawTar.PaxHeader("artifacts/huge", "size", "10737418240").Concat(RawTar.Header("artifacts/huge", '0', 0)).ToArray();
        var bundle = TestBundles.Gzip(tar.Concat(claim).ToArray());

        var verification = TestBundles.Verify(bundle);

        Assert.Contains(verification.Failures, f => f.Detail.Contains("claims 10737418240 bytes, over the 268435456-byte limit", StringComparison.Ordinal));
    }

    [Fact]
    public void Entry_over_a_configured_limit_is_refused()
    {
        var big = BundleContents.FromFiles([new("proc/big", new byte[4096])]);

        var verification = TestBundles.Verify(TestBundles.Build(big), new BundleVerifyOptions { AllowUnsigned = true, Read = new BundleReadOptions { MaxEntryBytes = 1024 } });

        Assert.Contains(verification.Failures, f => f.Detail.Contains("'artifacts/proc/big': claims 4096 bytes, over the 1024-byte limit", StringComparison.Ordinal));
    }

    [Fact]
    public void Gzip_bomb_stops_at_the_total_expansion_limit()
    {
        // 64 MiB of zeros compress to ~64 KiB; the limit is lowered so the test stays fast (the default is 2 GiB).
        var bomb = BundleContents.FromFiles(Enumerable.Range(0, 4).Select(i => new KeyValuePair<string, byte[]>($"zeros/{i}", new byte[16 << 20])));
        var bundle = TestBundles.Build(bomb);
        Assert.True(bundle.Length < 1 << 20);

        var verification = TestBundles.Verify(bundle, new BundleVerifyOptions { AllowUnsigned = true, Read = new BundleReadOptions { MaxTotalBytes = 20 << 20 } });

        Assert.Contains(verification.Failures, f => f.Detail.Contains("expanded past the 20971520-byte limit", StringComparison.Ordinal) && f.Detail.Contains("gzip bomb", StringComparison.Ordinal));
        Assert.True(verification.Archive.ExpandedBytes <= (20 << 20) + (1 << 20));
    }

    [Fact]
    public void Default_limits_are_256_MiB_per_entry_and_2_GiB_in_total()
    {
        var defaults = new BundleReadOptions();

        Assert.Equal(256L << 20, defaults.MaxEntryBytes);
        Assert.Equal(2L << 30, defaults.MaxTotalBytes);
    }

    [Fact]
    public void Unsigned_bundle_fails_unless_allowed()
    {
        var bundle = TestBundles.Build();

        Assert.Contains("signature: unsigned (no manifest.json.p7s); pass --allow-unsigned to accept unsigned bundles", TestBundles.FailureDetails(TestBundles.Verify(bundle, new BundleVerifyOptions())));
        Assert.True(TestBundles.Verify(bundle, new BundleVerifyOptions { AllowUnsigned = true }).Valid);
    }

    [Fact]
    public void Signature_by_an_untrusted_certificate_fails_and_is_only_a_warning_when_unsigned_is_allowed()
    {
        var attacker = TestCertificateAuthority.CreateRoot("attacker root");
        var bundle = TestBundles.Build(signer: attacker.IssueLeaf("attacker"));

        var strict = TestBundles.Verify(bundle, new BundleVerifyOptions { Trust = [Root.PublicCertificate] });
        var lenient = TestBundles.Verify(bundle, new BundleVerifyOptions { Trust = [Root.PublicCertificate], AllowUnsigned = true });

        Assert.Contains(strict.Failures, f => f.Name == BundleCheckNames.Signature && f.Detail.StartsWith("chain.untrusted", StringComparison.Ordinal));
        Assert.True(lenient.Valid);
        Assert.Contains(lenient.Checks, c => c.Name == BundleCheckNames.Signature && c.Status == BundleCheckStatus.Warn);
    }

    [Fact]
    public void Valid_signature_over_a_different_manifest_fails_even_when_unsigned_is_allowed()
    {
        var signer = Root.IssueLeaf();
        var otherSignature = TestBundles.Repack(TestBundles.Build(manifest: TestBundles.ManifestBytes(TestBundles.Small(), host: "elsewhere"), signer: signer), e => e);
        var p7s = ReadEntry(otherSignature, BundleLayout.Signature);
        var bundle = TestBundles.Repack(TestBundles.Build(signer: signer), e => e.Select(x => x.Name == BundleLayout.Signature
            ? new PaxTarEntry(TarEntryType.RegularFile, x.Name) { DataStream = new MemoryStream(p7s) }
            : x));

        var verification = TestBundles.Verify(bundle, new BundleVerifyOptions { Trust = [Root.PublicCertificate], AllowUnsigned = true });

        Assert.Contains(verification.Failures, f => f.Name == BundleCheckNames.Signature && f.Detail.StartsWith("cms.signature", StringComparison.Ordinal));
    }

    [Fact]
    public void Signed_bundle_from_a_trusted_signer_passes()
    {
        var verification = TestBundles.Verify(TestBundles.Build(signer: Root.IssueLeaf(kind: TestKeyKind.Rsa)), new BundleVerifyOptions { Trust = [Root.PublicCertificate] });

        Assert.True(verification.Valid, string.Join("\n", TestBundles.FailureDetails(verification)));
        Assert.Contains(verification.Checks, c => c.Name == BundleCheckNames.Signature && c.Status == BundleCheckStatus.Pass);
    }

    private static List<string> Details(byte[] bundle) => TestBundles.FailureDetails(TestBundles.Verify(bundle)).Select(Strip).ToList();

    private static string Strip(string detail) => detail[(detail.IndexOf(": ", StringComparison.Ordinal) + 2)..];

    private static PaxTarEntry Renamed(TarEntry entry, string name)
    {
        var data = new MemoryStream();
        entry.DataStream?.Seek(0, SeekOrigin.Begin);
        entry.DataStream?.CopyTo(data);
        data.Position = 0;
        return new PaxTarEntry(entry.EntryType, name) { DataStream = data };
    }

    private static byte[] ReadEntry(byte[] bundle, string name)
    {
        using var reader = new TarReader(new System.IO.Compression.GZipStream(new MemoryStream(bundle), System.IO.Compression.CompressionMode.Decompress));
        while (reader.GetNextEntry(copyData: true) is { } entry)
        {
            if (entry.Name == name)
            {
                using var data = new MemoryStream();
                entry.DataStream!.CopyTo(data);
                return data.ToArray();
            }
        }

        throw new InvalidOperationException(name + " not found");
    }
}

/// <summary>Hand-made tar headers (POSIX.1-1988 ustar, §10.1.1) for claims TarWriter will not write.</summary>
internal static class RawTar
{
    public static byte[] Header(string name, char type, long size)
    {
        var h = new byte[512];
        Field(h, 0, 100, name);
        Field(h, 100, 8, "0000644");
        Field(h, 108, 8, "0000000");
        Field(h, 116, 8, "0000000");
        Field(h, 124, 12, Convert.ToString(size, 8).PadLeft(11, '0'));
        Field(h, 136, 12, "00000000000");
        h[156] = (byte)type;
        Field(h, 257, 6, "ustar");
        h[263] = h[264] = (byte)'0'; // version "00", no terminator
        Encoding.ASCII.GetBytes("        ").CopyTo(h, 148);
        var sum = h.Sum(b => b);
        Field(h, 148, 7, Convert.ToString(sum, 8).PadLeft(6, '0'));
        h[154] = 0;
        h[155] = (byte)' ';
        return h;
    }

    /// <summary>A pax extended header ('x') carrying one record, then padded to a block.</summary>
    public static byte[] PaxHeader(string name, string key, string value)
    {
        var body = key + "=" + value + "\n";
        var length = body.Length + 2; // "<length> <key>=<value>\n", the length counting its own digits
        while (length != body.Length + 1 + Digits(length))
        {
            length = body.Length + 1 + Digits(length);
        }

        var record = $"{length} {body}";
        var data = Encoding.ASCII.GetBytes(record);
        var padded = new byte[(data.Length + 511) / 512 * 512];
        data.CopyTo(padded, 0);
        return Header("PaxHeaders/" + name, 'x', data.Length).Concat(padded).ToArray();
    }

    private static int Digits(int n) => n.ToString(System.Globalization.CultureInfo.InvariantCulture).Length;

    private static void Field(byte[] header, int offset, int length, string value)
    {
        var bytes = Encoding.ASCII.GetBytes(value);
        Array.Copy(bytes, 0, header, offset, Math.Min(bytes.Length, length - 1));
    }
}
