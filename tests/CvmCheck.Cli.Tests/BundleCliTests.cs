using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using CvmCheck.Cli.Attest.Tdx;
using CvmCheck.Cli.Bundles;
using CvmCheck.Testing;

namespace CvmCheck.Cli.Tests;

/// <summary><c>collect --out</c>, <c>verify</c>, <c>bundle ls</c> and <c>--from</c> end to end, as a user's
/// script sees them: exit codes, JSON, messages.</summary>
public sealed class BundleCliTests
{
    public static TheoryData<string> Fixtures => new(Directory.GetDirectories(Repo.Fixture("snapshots")).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Collect_verify_and_check_from_the_bundle_gives_the_findings_of_check_on_the_snapshot(string fixture)
    {
        using var dir = new TempDir();
        var bundle = Path.Combine(dir.Path, fixture + ".tar.gz");
        var root = Repo.Snapshot(fixture);

        var collect = Cli.Run("collect", "--root", root, "--out", bundle, "--policy", "baseline", "--policy", "h100-tdx-cc-production");
        Assert.Equal(0, collect.ExitCode);
        Assert.Contains("wrote bundle", collect.Error, StringComparison.Ordinal);
        var verify = Cli.Run("verify", bundle, "--allow-unsigned", "--format", "json");
        Assert.True(verify.ExitCode == 0, verify.Out);
        Assert.Equal("pass", verify.Json.GetProperty("verdict").GetString());

        foreach (var policy in new[] { "baseline", "h100-tdx-cc-production" })
        {
            var direct = Cli.Run("check", "--root", root, "--policy", policy, "--format", "json");
            var replay = Cli.Run("check", "--from", bundle, "--allow-unsigned", "--policy", policy, "--format", "json");
            Assert.Equal(direct.ExitCode, replay.ExitCode);
            Assert.Equal(WithoutRunFields(direct.Out), WithoutRunFields(replay.Out));
        }

        var facts = Cli.Run("facts", "--root", root, "--format", "json");
        var replayedFacts = Cli.Run("facts", "--from", bundle, "--allow-unsigned", "--format", "json");
        Assert.Equal(facts.Out, replayedFacts.Out);
    }

    [Fact]
    public void Manifest_summarises_the_findings_of_the_policies_run_at_collection()
    {
        using var dir = new TempDir();
        var bundle = Path.Combine(dir.Path, "b.tar.gz");
        Cli.Run("collect", "--root", Repo.Snapshot("h100-cc-off"), "--out", bundle, "--policy", "h100-tdx-cc-production", "--nonce", "0badc0de");

        var manifest = JsonNode.Parse(ReadEntry(bundle, "manifest.json"))!;

        Assert.Equal("cvmcheck/manifest/v1", (string?)manifest["schema"]);
        Assert.Equal("0badc0de", (string?)manifest["nonce"]);
        Assert.Equal("fail", (string?)manifest["findings"]!["verdict"]);
        Assert.Contains("gpu.cc.mode", manifest["findings"]!["failing"]!.AsArray().Select(n => (string?)n));
        Assert.True((int)manifest["findings"]!["counts"]!["fail"]! >= 1);
        var command = manifest["artifacts"]!.AsArray().First(a => (string?)a!["path"] == "artifacts/commands/nvidia-smi_conf-compute_-f.out")!;
        Assert.Equal("command", (string?)command["kind"]);
        Assert.Equal(["nvidia-smi", "conf-compute", "-f"], command["argv"]!.AsArray().Select(n => (string?)n));
        Assert.Equal(0, (int)command["exit"]!);
    }

    [Theory]
    [InlineData(TestKeyKind.Ecdsa)]
    [InlineData(TestKeyKind.Rsa)]
    public void Signed_bundle_verifies_against_its_trust_anchor_and_fails_without_it(TestKeyKind kind)
    {
        using var dir = new TempDir();
        var ca = TestCertificateAuthority.CreateRoot(kind: kind);
        var leaf = ca.IssueLeaf(kind: kind);
        var rootPem = TestCertificateAuthority.WriteCertificatePem(Path.Combine(dir.Path, "root.pem"), ca.PublicCertificate);
        var bundle = Path.Combine(dir.Path, "b.tar.gz");

        var collect = Cli.Run("collect", "--root", Repo.Snapshot("h100-tdx-cc-on"), "--out", bundle,
            "--sign-cert", TestCertificateAuthority.WriteCertificatePem(Path.Combine(dir.Path, "leaf.pem"), leaf),
            "--sign-key", TestCertificateAuthority.WriteKeyPem(Path.Combine(dir.Path, "leaf.key"), leaf));
        Assert.Equal(0, collect.ExitCode);

        var trusted = Cli.Run("verify", bundle, "--trust", rootPem, "--format", "json");
        Assert.Equal(0, trusted.ExitCode);
        Assert.Contains(trusted.Json.GetProperty("checks").EnumerateArray(), c => c.GetProperty("name").GetString() == "signature" && c.GetProperty("status").GetString() == "pass");
        var untrusted = Cli.Run("verify", bundle);
        Assert.Equal(1, untrusted.ExitCode);
        Assert.Contains("chain.no-anchor", untrusted.Out, StringComparison.Ordinal);
        Assert.Equal(0, Cli.Run("check", "--from", bundle, "--trust", rootPem).ExitCode);
        var refused = Cli.Run("check", "--from", bundle);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("did not verify", refused.Error, StringComparison.Ordinal);
        Assert.Contains("signature:", refused.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Real_world_chain_with_the_intermediate_in_the_signer_pem_verifies_against_the_root()
    {
        using var dir = new TempDir();
        var root = TestCertificateAuthority.CreateRoot("Example Fleet Root CA", TestKeyKind.Rsa);
        var intermediate = root.CreateIntermediate("Example Fleet Code Signing CA", TestKeyKind.Ecdsa);
        var leaf = intermediate.IssueLeaf("attestor.fleet.example", TestKeyKind.Ecdsa);
        var bundle = Path.Combine(dir.Path, "b.tar.gz");

        Cli.Run("collect", "--root", Repo.Snapshot("h100-tdx-cc-on"), "--out", bundle,
            "--sign-cert", TestCertificateAuthority.WriteCertificatePem(Path.Combine(dir.Path, "chain.pem"), leaf, intermediate.PublicCertificate),
            "--sign-key", TestCertificateAuthority.WriteKeyPem(Path.Combine(dir.Path, "leaf.key"), leaf));
        var verify = Cli.Run("verify", bundle, "--trust", TestCertificateAuthority.WriteCertificatePem(Path.Combine(dir.Path, "root.pem"), root.PublicCertificate));

        Assert.Equal(0, verify.ExitCode);
        Assert.Contains("attestor.fleet.example", verify.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Attest_without_configfs_tsm_is_bad_input_naming_the_directory_and_writes_nothing()
    {
        using var dir = new TempDir();
        var bundle = Path.Combine(dir.Path, "b.tar.gz");
        var missing = Path.Combine(dir.Path, "no-tsm", "report");

        var r = Cli.Run("collect", "--root", Repo.Snapshot("h100-tdx-cc-on"), "--out", bundle, "--attest", "--tsm-root", missing);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains($"--attest: {missing} does not exist: configfs-tsm is not available", r.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(bundle));
    }

    [Fact]
    public void Attest_on_a_host_without_tdx_names_sys_kernel_config_tsm_report()
    {
        Assert.True(TsmReportClient.DefaultRoot == "/sys/kernel/config/tsm/report");
        if (Directory.Exists(TsmReportClient.DefaultRoot))
        {
            return; // a TDX guest: the fake-kernel test below covers --attest
        }

        using var dir = new TempDir();
        var r = Cli.Run("collect", "--root", Repo.Snapshot("h100-tdx-cc-on"), "--out", Path.Combine(dir.Path, "b.tar.gz"), "--attest");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("/sys/kernel/config/tsm/report does not exist", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Attested_bundle_from_a_fake_kernel_binds_the_manifest_and_verifies()
    {
        using var dir = new TempDir();
        var tsmRoot = Directory.CreateDirectory(Path.Combine(dir.Path, "tsm", "report")).FullName;
        var bundle = Path.Combine(dir.Path, "b.tar.gz");
        var kernel = new FakeTsmKernel();
        BundleCollector.TsmFileSystem.Value = kernel;
        BundleCollector.OpenNvml.Value = BundleGpuTests.NoNvml;
        try
        {
            var collect = Cli.Run("collect", "--root", Repo.Snapshot("h100-tdx-cc-on"), "--out", bundle, "--attest", "--tsm-root", tsmRoot, "--nonce", "00ff00ff");
            Assert.True(collect.ExitCode == 0, collect.Error);
        }
        finally
        {
            BundleCollector.TsmFileSystem.Value = null;
            BundleCollector.OpenNvml.Value = null;
        }

        var manifest = ReadEntry(bundle, "manifest.json");
        var d = System.Security.Cryptography.SHA384.HashData(manifest);
        Assert.Equal(System.Security.Cryptography.SHA512.HashData([0x00, 0xff, 0x00, 0xff, .. d]), kernel.Inblob);
        var binding = JsonNode.Parse(ReadEntry(bundle, "attestation/binding.json"))!;
        Assert.Equal("00ff00ff", (string?)binding["nonce"]);
        Assert.Equal(Convert.ToHexStringLower(d), (string?)binding["manifestSha384"]);
        Assert.Equal("attestation/tdx-quote.bin", (string?)binding["tdx"]!["quote"]);
        Assert.Empty(binding["gpu"]!["reports"]!.AsArray());

        var verify = Cli.Run("verify", bundle, "--allow-unsigned", "--format", "json");
        Assert.True(verify.ExitCode == 0, verify.Out);
        Assert.Contains(verify.Json.GetProperty("checks").EnumerateArray(), c => c.GetProperty("name").GetString() == "binding" && c.GetProperty("status").GetString() == "pass");

        // The fake kernel's quote is the real Intel quote with new REPORTDATA, so Intel's signature no longer holds.
        var withCollateral = Cli.Run("verify", bundle, "--allow-unsigned", "--format", "json", "--collateral", FakeTsmKernel.QuoteDirectory, "--at", "2025-06-20T00:00:00Z");
        Assert.Equal(1, withCollateral.ExitCode);
        Assert.Contains(withCollateral.Json.GetProperty("checks").EnumerateArray(), c => c.GetProperty("name").GetString() == "tdx-quote" && c.GetProperty("detail").GetString()!.StartsWith("quote.signature", StringComparison.Ordinal));
    }

    [Fact]
    public void Failure_while_writing_leaves_no_partial_bundle()
    {
        using var dir = new TempDir();
        BundleCollector.BeforeCommit.Value = _ => throw new IOException("No space left on device (simulated)");
        Cli.Result r;
        try
        {
            r = Cli.Run("collect", "--root", Repo.Snapshot("h100-tdx-cc-on"), "--out", Path.Combine(dir.Path, "b.tar.gz"));
        }
        finally
        {
            BundleCollector.BeforeCommit.Value = null;
        }

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("No space left on device", r.Error, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.Path));
    }

    [Fact]
    public void Tampered_bundle_exits_1_listing_every_bad_artifact()
    {
        using var dir = new TempDir();
        var bundle = Path.Combine(dir.Path, "b.tar.gz");
        Cli.Run("collect", "--root", Repo.Snapshot("h100-tdx-cc-on"), "--out", bundle);
        Rewrite(bundle, (name, data) => name is "artifacts/proc/sys/kernel/osrelease" or "artifacts/proc/cmdline" ? [.. data, (byte)'!'] : data);

        var r = Cli.Run("verify", bundle, "--allow-unsigned", "--format", "json");

        Assert.Equal(1, r.ExitCode);
        Assert.Equal("fail", r.Json.GetProperty("verdict").GetString());
        var failed = r.Json.GetProperty("checks").EnumerateArray().Where(c => c.GetProperty("status").GetString() == "fail").Select(c => c.GetProperty("detail").GetString()!).ToList();
        Assert.Contains(failed, d => d.StartsWith("'artifacts/proc/sys/kernel/osrelease': size", StringComparison.Ordinal));
        Assert.Contains(failed, d => d.StartsWith("'artifacts/proc/cmdline': size", StringComparison.Ordinal));
        Assert.Contains(failed, d => d.StartsWith("'artifacts/proc/sys/kernel/osrelease': SHA-384", StringComparison.Ordinal));
        Assert.Equal(1, Cli.Run("check", "--from", bundle, "--allow-unsigned").ExitCode);
    }

    [Theory]
    [InlineData("not gzip")]
    [InlineData("truncated")]
    public void Unreadable_bundle_exits_2_with_one_message(string damage)
    {
        using var dir = new TempDir();
        var bundle = Path.Combine(dir.Path, "b.tar.gz");
        Cli.Run("collect", "--root", Repo.Snapshot("h100-tdx-cc-on"), "--out", bundle);
        var bytes = File.ReadAllBytes(bundle);
        File.WriteAllBytes(bundle, damage == "not gzip" ? "hello"u8.ToArray() : bytes[..(bytes.Length / 2)]);

        var verify = Cli.Run("verify", bundle, "--allow-unsigned");
        var check = Cli.Run("check", "--from", bundle, "--allow-unsigned");

        Assert.Equal(2, verify.ExitCode);
        Assert.Equal(2, check.ExitCode);
        Assert.StartsWith($"cvmcheck: {bundle}: ", verify.Error, StringComparison.Ordinal);
        Assert.Contains(damage == "not gzip" ? "not gzip" : "unreadable", verify.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Bundle_ls_prints_header_fields_and_a_row_per_artifact()
    {
        using var dir = new TempDir();
        var bundle = Path.Combine(dir.Path, "b.tar.gz");
        Cli.Run("collect", "--root", Repo.Snapshot("h100-tdx-cc-on"), "--out", bundle, "--nonce", "abcd");

        var r = Cli.Run("bundle", "ls", bundle);

        Assert.Equal(0, r.ExitCode);
        var lines = r.Out.Split('\n');
        Assert.Contains("schema    cvmcheck/manifest/v1", lines);
        Assert.Contains("nonce     abcd", lines);
        Assert.Contains("signed    no", lines);
        Assert.Contains(lines, l => l.StartsWith("PATH ", StringComparison.Ordinal) && l.Contains("KIND", StringComparison.Ordinal) && l.EndsWith("SHA384", StringComparison.Ordinal));
        var osrelease = lines.Single(l => l.StartsWith("artifacts/proc/sys/kernel/osrelease ", StringComparison.Ordinal));
        Assert.Matches(@"^artifacts/proc/sys/kernel/osrelease\s+file\s+\d+\s+[0-9a-f]{16}…$", osrelease);
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^artifacts/commands/nvidia-smi_-q_-x\.out\s+command\s+\d+\s+[0-9a-f]{16}…$"));
    }

    [Theory]
    [InlineData("check", "--root", "ROOT", "--from", "BUNDLE")]
    [InlineData("facts", "--trust", "x.pem")]
    [InlineData("collect", "--root", "ROOT")]
    [InlineData("collect", "--root", "ROOT", "--snapshot", "DIR", "--out", "BUNDLE")]
    [InlineData("collect", "--root", "ROOT", "--out", "BUNDLE", "--sign-cert", "x.pem")]
    [InlineData("collect", "--root", "ROOT", "--out", "BUNDLE", "--nonce", "xyz")]
    [InlineData("verify", "BUNDLE", "--trust", "missing.pem")]
    public void Contradictory_or_bad_options_are_bad_input(params string[] args)
    {
        using var dir = new TempDir();
        var resolved = args.Select(a => a switch
        {
            "ROOT" => Repo.Snapshot("h100-tdx-cc-on"),
            "BUNDLE" => Path.Combine(dir.Path, "b.tar.gz"),
            "DIR" => Path.Combine(dir.Path, "snap"),
            _ => a,
        }).ToArray();
        File.WriteAllBytes(Path.Combine(dir.Path, "b.tar.gz"), []);

        var r = Cli.Run(resolved);

        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("cvmcheck: ", r.Error, StringComparison.Ordinal);
    }

    private static string WithoutRunFields(string json)
    {
        var node = JsonNode.Parse(json)!.AsObject();
        node.Remove("timestamp");
        node.Remove("source");
        return node.ToJsonString();
    }

    internal static byte[] ReadEntry(string bundle, string name)
    {
        using var reader = new TarReader(new GZipStream(File.OpenRead(bundle), CompressionMode.Decompress));
        while (reader.GetNextEntry(copyData: true) is { } entry)
        {
            if (entry.Name == name)
            {
                using var data = new MemoryStream();
                entry.DataStream!.CopyTo(data);
                return data.ToArray();
            }
        }

        throw new InvalidOperationException(name + " not in " + bundle);
    }

    /// <summary>Rewrites a bundle's entries with real tar/gzip, changing the data of some.</summary>
    internal static void Rewrite(string bundle, Func<string, byte[], byte[]> change)
    {
        var entries = new List<(TarEntryType Type, string Name, byte[] Data)>();
        using (var reader = new TarReader(new GZipStream(File.OpenRead(bundle), CompressionMode.Decompress)))
        {
            while (reader.GetNextEntry(copyData: true) is { } entry)
            {
                using var data = new MemoryStream();
                entry.DataStream?.CopyTo(data);
                entries.Add((entry.EntryType, entry.Name, change(entry.Name, data.ToArray())));
            }
        }

        using var output = new GZipStream(File.Create(bundle), CompressionLevel.Fastest);
        using var writer = new TarWriter(output, TarEntryFormat.Pax);
        foreach (var (type, name, data) in entries)
        {
            var entry = new PaxTarEntry(type, name);
            if (type != TarEntryType.Directory)
            {
                entry.DataStream = new MemoryStream(data);
            }

            writer.WriteEntry(entry);
        }
    }

    /// <summary>Plays the kernel's configfs-tsm in a temp directory: writing inblob produces a quote whose
    /// REPORTDATA is the inblob (the real Intel quote fixture with its REPORTDATA replaced).</summary>
    internal sealed class FakeTsmKernel : IGuestFileSystem
    {
        public static readonly string QuoteDirectory = Repo.Fixture("attestation", "tdx", "dcapqvl_v4_b0c06f_uptodate");

        public byte[]? Inblob { get; private set; }

        public bool DirectoryExists(string path) => Directory.Exists(path);

        public bool FileExists(string path) => File.Exists(path);

        public void CreateDirectory(string path)
        {
            Directory.CreateDirectory(path);
            File.WriteAllText(Path.Combine(path, "provider"), "tdx_guest\n");
            File.WriteAllText(Path.Combine(path, "generation"), "0\n");
        }

        public void RemoveDirectory(string path) => Directory.Delete(path, recursive: true);

        public void WriteAllBytes(string path, byte[] content)
        {
            File.WriteAllBytes(path, content);
            if (Path.GetFileName(path) == "inblob")
            {
                Inblob = content;
                var quote = File.ReadAllBytes(Path.Combine(QuoteDirectory, "quote.bin"));
                content.CopyTo(quote, 48 + 520); // quote header, then REPORTDATA at TD report body offset 520
                File.WriteAllBytes(Path.Combine(Path.GetDirectoryName(path)!, "outblob"), quote);
                File.WriteAllText(Path.Combine(Path.GetDirectoryName(path)!, "generation"), "1\n");
            }
        }

        public byte[] ReadAllBytes(string path) => File.ReadAllBytes(path);
    }
}
