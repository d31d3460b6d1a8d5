using System.Formats.Tar;
using System.IO.Compression;
using CvmCheck.Core.Bundles;
using CvmCheck.Core.Probes;
using CvmCheck.Core.Sources;
using CvmCheck.Testing;

namespace CvmCheck.Core.Tests.Bundles;

/// <summary>A bundle written by <see cref="BundleWriter"/> reads back as exactly what was written.</summary>
public sealed class BundleRoundTripTests
{
    [Fact]
    public void Written_bundle_verifies_with_every_artifact_matching_the_manifest()
    {
        var verification = TestBundles.Verify(TestBundles.Build());

        Assert.True(verification.Valid, string.Join("\n", TestBundles.FailureDetails(verification)));
        Assert.Contains(verification.Checks, c => c.Name == BundleCheckNames.Artifacts && c.Status == BundleCheckStatus.Pass);
        Assert.Equal(3, verification.Manifest!.Artifacts.Count);
        Assert.Equal(TestBundles.Nonce, verification.Manifest.Nonce);
    }

    [Fact]
    public void Entries_are_manifest_first_then_signature_then_attestation_then_sorted_artifacts_with_fixed_modes_and_time()
    {
        var root = TestCertificateAuthority.CreateRoot();
        var tar = TestBundles.Gunzip(TestBundles.Build(signer: root.IssueLeaf(), attest: true));

        using var reader = new TarReader(new MemoryStream(tar));
        var entries = new List<TarEntry>();
        while (reader.GetNextEntry() is { } e)
        {
            entries.Add(e);
        }

        Assert.Equal(
            ["manifest.json", "manifest.json.p7s", "attestation/binding.json", "attestation/tdx-quote.bin",
             "artifacts/commands/uname_-r.out", "artifacts/proc/cpuinfo", "artifacts/proc/sys/kernel/osrelease"],
            entries.Select(e => e.Name));
        Assert.All(entries, e =>
        {
            Assert.Equal(BundleLayout.FileMode, e.Mode);
            Assert.Equal(DateTimeOffset.UnixEpoch, e.ModificationTime);
            Assert.Equal(0, e.Uid);
            Assert.Equal(TarEntryType.RegularFile, e.EntryType);
        });
    }

    [Fact]
    public void Same_evidence_gives_the_same_bytes()
    {
        Assert.Equal(TestBundles.Gunzip(TestBundles.Build()), TestBundles.Gunzip(TestBundles.Build()));
    }

    [Fact]
    public void Verify_hashes_artifacts_without_keeping_them_and_replay_keeps_them()
    {
        var bundle = TestBundles.Build();

        var verifyOnly = TestBundles.Verify(bundle);
        var replay = TestBundles.Verify(bundle, new BundleVerifyOptions { AllowUnsigned = true, Read = new BundleReadOptions { KeepArtifacts = true } });

        Assert.Empty(verifyOnly.Archive.Artifacts);
        Assert.Equal(3, replay.Archive.Artifacts.Count);
        Assert.Equal("6.8.0-1014-intel\n", System.Text.Encoding.UTF8.GetString(replay.Archive.Artifacts["commands/uname_-r.out"]));
    }

    [Theory]
    [InlineData("h100-tdx-cc-on")]
    [InlineData("h100-cc-off")]
    [InlineData("tdx-host-not-guest")]
    [InlineData("gb200x4-580")]
    [InlineData("h100x8-passthrough-580")]
    [InlineData("tdx-guest-open-565")]
    public void Bundle_of_a_recorded_run_replays_the_same_facts_as_the_snapshot(string fixture)
    {
        var recording = new RecordingSource(new SnapshotSource(Repo.Snapshot(fixture)));
        var expected = ProbeRunner.Collect(recording);
        var contents = BundleContents.FromRecorded(recording.Artifacts);
        var bundle = TestBundles.Build(contents);

        var verification = TestBundles.Verify(bundle, new BundleVerifyOptions { AllowUnsigned = true, Read = new BundleReadOptions { KeepArtifacts = true } });
        Assert.True(verification.Valid, string.Join("\n", TestBundles.FailureDetails(verification)));
        var replayed = ProbeRunner.Collect(BundleSource.From("test.tar.gz", verification));

        Assert.Equal(Describe(expected), Describe(replayed));
    }

    [Fact]
    public void Bundle_source_answers_like_a_snapshot_for_errors_directories_and_listings()
    {
        var source = new BundleSource("test", new Dictionary<string, byte[]>
        {
            ["sys/bus/pci/devices/0000:01:00.0/vendor"] = "0x10de\n"u8.ToArray(),
            ["proc/config.gz.error"] = "permission denied\n"u8.ToArray(),
            ["commands/nvidia-smi_-q_-x.out"] = "<xml/>"u8.ToArray(),
            ["commands/nvidia-smi_-q_-x.exit"] = "timeout\n"u8.ToArray(),
        }, ["sys/firmware/efi", "sys/bus/pci/devices/0000:02:00.0"]);

        Assert.Equal(["0000:01:00.0", "0000:02:00.0"], source.ListDirectory("sys/bus/pci/devices"));
        Assert.True(source.Exists("sys/firmware/efi"));
        Assert.True(source.IsDirectory("sys/bus/pci"));
        Assert.Equal(ArtifactStatus.Unreadable, source.ReadFile("proc/config.gz").Status);
        Assert.Contains("permission denied", source.ReadFile("proc/config.gz").Reason, StringComparison.Ordinal);
        Assert.Equal(ArtifactStatus.Absent, source.ReadFile("proc/cmdline").Status);
        Assert.Equal(ArtifactStatus.Unreadable, source.ReadFile("../../etc/passwd").Status);
        Assert.Equal(CommandStatus.Timeout, source.RunCommand(["nvidia-smi", "-q", "-x"]).Status);
        Assert.Equal(CommandStatus.NotRecorded, source.RunCommand(["uname", "-r"]).Status);
    }

    [Fact]
    public void Interrupted_write_leaves_no_bundle_and_no_temporary_file()
    {
        using var dir = new TempDir();
        var target = Path.Combine(dir.Path, "evidence.tar.gz");
        var image = new BundleImage(TestBundles.ManifestBytes(TestBundles.Small()), null, new Dictionary<string, byte[]>(), TestBundles.Small());

        Assert.Throws<IOException>(() => BundleWriter.WriteAtomically(target, image, _ => throw new IOException("disk full (simulated)")));

        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.Path));
        BundleWriter.WriteAtomically(target, image);
        Assert.Equal([target], Directory.EnumerateFileSystemEntries(dir.Path));
        Assert.True(TestBundles.Verify(File.ReadAllBytes(target)).Valid);
    }

    [Fact]
    public void Manifest_round_trips_through_json_with_commands_directories_and_findings()
    {
        var manifest = new BundleManifest
        {
            ToolVersion = "1.2.3",
            Created = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero),
            Host = "h",
            Source = "live host",
            Nonce = [1, 2, 3],
            Artifacts =
            [
                new ManifestEntry { Path = "artifacts/commands/uname_-r.exit", Kind = ManifestEntryKind.Command, Size = 2, Sha384 = new string('a', 96), Argv = ["uname", "-r"], Exit = "0" },
                new ManifestEntry { Path = "artifacts/commands/nvidia-smi.exit", Kind = ManifestEntryKind.Command, Size = 8, Sha384 = new string('b', 96), Argv = ["nvidia-smi"], Exit = "timeout" },
                new ManifestEntry { Path = "artifacts/sys/firmware/efi", Kind = ManifestEntryKind.Directory },
            ],
            Findings = new FindingsSummary { Policies = ["baseline"], Verdict = "fail", Counts = new Dictionary<string, int> { ["fail"] = 1 }, Failing = ["gpu.cc.mode"] },
        };

        var parsed = ManifestJson.Parse(ManifestJson.Write(manifest));

        Assert.Equal(manifest.Created, parsed.Created);
        Assert.Equal(manifest.Nonce, parsed.Nonce);
        Assert.Equal(manifest.Artifacts, parsed.Artifacts, (a, b) => a.Path == b.Path && a.Kind == b.Kind && a.Size == b.Size && a.Sha384 == b.Sha384 && a.Exit == b.Exit && (a.Argv ?? []).SequenceEqual(b.Argv ?? []));
        Assert.Equal(["gpu.cc.mode"], parsed.Findings!.Failing);
        Assert.Contains("\"exit\": 0", System.Text.Encoding.UTF8.GetString(ManifestJson.Write(manifest)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[]", "not a JSON object")]
    [InlineData("{\"schema\": \"cvmcheck/manifest/v2\"}", "schema")]
    [InlineData("{\"schema\": \"cvmcheck/manifest/v1\", \"tool\": {\"version\": \"1\"}, \"created\": \"2026-01-01T00:00:00Z\", \"host\": \"h\", \"nonce\": \"zz\", \"artifacts\": []}", "nonce")]
    [InlineData("{\"schema\": \"cvmcheck/manifest/v1\", \"tool\": {\"version\": \"1\"}, \"created\": \"2026-01-01T00:00:00Z\", \"host\": \"h\", \"nonce\": \"00\", \"artifacts\": [{\"path\": \"artifacts/x\", \"kind\": \"file\", \"size\": -1, \"sha384\": \"\"}]}", "artifacts[0].size")]
    [InlineData("{\"schema\": \"cvmcheck/manifest/v1\", \"tool\": {\"version\": \"1\"}, \"created\": \"2026-01-01T00:00:00Z\", \"host\": \"h\", \"nonce\": \"00\", \"artifacts\": [{\"path\": \"artifacts/x\", \"kind\": \"link\"}]}", "artifacts[0].kind")]
    public void Malformed_manifest_is_rejected_naming_the_field(string json, string field)
    {
        var e = Assert.Throws<ManifestFormatException>(() => ManifestJson.Parse(System.Text.Encoding.UTF8.GetBytes(json)));

        Assert.Contains(field, e.Message, StringComparison.Ordinal);
    }

    private static string Describe(Facts.FactSet facts) =>
        string.Join("\n", facts.All.Select(f => $"{f.Name}={f.Value}|{f.Artifact}|{f.Line}|{f.Reason}"));
}
