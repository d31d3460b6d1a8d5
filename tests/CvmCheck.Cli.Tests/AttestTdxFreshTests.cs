using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CvmCheck.Cli;
using CvmCheck.Cli.Attest.Tdx;
using CvmCheck.Testing;

namespace CvmCheck.Cli.Tests;

/// <summary>`attest tdx --fresh` against a fake configfs-tsm tree in a temp directory: the fake kernel fills
/// outblob and bumps generation when inblob is written (no TDX hardware here; DESIGN.md §8).</summary>
public sealed class AttestTdxFreshTests
{
    private static readonly byte[] RealQuote = File.ReadAllBytes(Repo.Fixture("attestation", "tdx", "dcapqvl_v4_b0c06f_uptodate", "quote.bin"));

    /// <summary>Plays the kernel on top of a real temp directory.</summary>
    private sealed class FakeTsm(string root) : IGuestFileSystem
    {
        public byte[]? Inblob { get; private set; }

        public byte[] Outblob { get; set; } = RealQuote;

        public string Provider { get; set; } = "tdx_guest";

        public bool RaceOnRead { get; set; }

        public List<string> Removed { get; } = [];

        public bool DirectoryExists(string path) => Directory.Exists(path);

        public bool FileExists(string path) => File.Exists(path);

        public void CreateDirectory(string path)
        {
            Assert.StartsWith(root, path, StringComparison.Ordinal);
            Directory.CreateDirectory(path);
            File.WriteAllText(Path.Combine(path, "provider"), Provider + "\n");
            File.WriteAllText(Path.Combine(path, "generation"), "0\n");
        }

        public void RemoveDirectory(string path)
        {
            Removed.Add(path);
            Directory.Delete(path, recursive: true);
        }

        public void WriteAllBytes(string path, byte[] content)
        {
            File.WriteAllBytes(path, content);
            if (Path.GetFileName(path) == "inblob")
            {
                Inblob = content;
                var dir = Path.GetDirectoryName(path)!;
                File.WriteAllBytes(Path.Combine(dir, "outblob"), Outblob);
                File.WriteAllText(Path.Combine(dir, "generation"), "1\n");
            }
        }

        public byte[] ReadAllBytes(string path)
        {
            var bytes = File.ReadAllBytes(path);
            if (RaceOnRead && Path.GetFileName(path) == "outblob")
            {
                File.WriteAllText(Path.Combine(Path.GetDirectoryName(path)!, "generation"), "2\n");
            }

            return bytes;
        }
    }

    private sealed class NoDevice : ITdReportSource
    {
        public bool IsAvailable => false;

        public byte[] GetTdReport(byte[] reportData) => throw new InvalidOperationException("no device");
    }

    private sealed class FakeDevice : ITdReportSource
    {
        public bool IsAvailable => true;

        public byte[] GetTdReport(byte[] reportData)
        {
            var report = new byte[1024];
            report[0] = 0x81;
            reportData.CopyTo(report, 128);
            return report;
        }
    }

    private static AttestTdxArgs Fresh(string root, string? nonce = null, string? collateral = null, string? output = null) =>
        new(null, collateral, "2025-06-20T00:00:00Z", nonce, "json", true, root, output, null);

    [Fact]
    public void Fresh_writes_sha512_of_the_nonce_to_inblob_reads_the_quote_and_removes_the_report_directory()
    {
        using var dir = new TempDir();
        var fs = new FakeTsm(dir.Path);
        var stdout = new StringWriter();
        var outFile = Path.Combine(dir.Path, "fresh.bin");
        var exit = new AttestTdxRunner(fs, new NoDevice(), () => DateTimeOffset.UnixEpoch).Run(Fresh(dir.Path, "cafe", output: outFile), stdout, new StringWriter());
        Assert.Equal(0, exit);
        Assert.Equal(SHA512.HashData(Convert.FromHexString("cafe")), fs.Inblob);
        Assert.Single(fs.Removed);
        Assert.False(Directory.Exists(fs.Removed[0]));
        Assert.Equal(RealQuote, File.ReadAllBytes(outFile));
        var claims = JsonDocument.Parse(stdout.ToString()).RootElement.GetProperty("claims");
        Assert.Equal("91eb2b44d141d4ece09f0c75c2c53d247a3c68edd7fafe8a3520c942a604a407de03ae6dc5f87f27428b2538873118b7", claims.GetProperty("mrtd").GetString());
    }

    [Fact]
    public void Fresh_without_a_nonce_binds_32_random_bytes()
    {
        using var dir = new TempDir();
        var fs = new FakeTsm(dir.Path);
        new AttestTdxRunner(fs, new NoDevice(), () => DateTimeOffset.UnixEpoch).Run(Fresh(dir.Path), new StringWriter(), new StringWriter());
        Assert.Equal(64, fs.Inblob!.Length);
        Assert.Contains(fs.Inblob, b => b != 0);
    }

    [Fact]
    public void Fresh_with_collateral_verifies_and_fails_when_report_data_is_not_the_nonce_hash()
    {
        // The fake kernel returns a recorded quote whose REPORTDATA is not SHA-512 of our nonce: binding must fail.
        using var dir = new TempDir();
        var fs = new FakeTsm(dir.Path);
        var stdout = new StringWriter();
        var exit = new AttestTdxRunner(fs, new NoDevice(), () => DateTimeOffset.UnixEpoch)
            .Run(Fresh(dir.Path, "cafe", Repo.Fixture("attestation", "tdx", "dcapqvl_v4_b0c06f_uptodate")), stdout, new StringWriter());
        Assert.Equal(1, exit);
        Assert.Contains("ReportDataMismatch", stdout.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Generation_change_while_reading_outblob_is_reported_as_a_race()
    {
        using var dir = new TempDir();
        var fs = new FakeTsm(dir.Path) { RaceOnRead = true };
        var e = Assert.Throws<UserInputException>(() => new AttestTdxRunner(fs, new NoDevice(), () => DateTimeOffset.UnixEpoch).Run(Fresh(dir.Path), new StringWriter(), new StringWriter()));
        Assert.Contains("generation", e.Message, StringComparison.Ordinal);
        Assert.Single(fs.Removed);
    }

    [Fact]
    public void Empty_outblob_is_a_clear_error_naming_the_path()
    {
        using var dir = new TempDir();
        var fs = new FakeTsm(dir.Path) { Outblob = [] };
        var e = Assert.Throws<UserInputException>(() => new AttestTdxRunner(fs, new NoDevice(), () => DateTimeOffset.UnixEpoch).Run(Fresh(dir.Path), new StringWriter(), new StringWriter()));
        Assert.Contains("outblob: empty", e.Message, StringComparison.Ordinal);
        Assert.Contains(dir.Path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Provider_other_than_tdx_guest_is_rejected()
    {
        using var dir = new TempDir();
        var fs = new FakeTsm(dir.Path) { Provider = "sev_guest" };
        var e = Assert.Throws<UserInputException>(() => new AttestTdxRunner(fs, new NoDevice(), () => DateTimeOffset.UnixEpoch).Run(Fresh(dir.Path), new StringWriter(), new StringWriter()));
        Assert.Contains("sev_guest", e.Message, StringComparison.Ordinal);
        Assert.Single(fs.Removed);
    }

    [Fact]
    public void Without_configfs_tsm_the_tdreport_device_is_used_and_its_claims_printed()
    {
        using var dir = new TempDir();
        var missingRoot = Path.Combine(dir.Path, "no-tsm");
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = new AttestTdxRunner(new FakeTsm(missingRoot), new FakeDevice(), () => DateTimeOffset.UnixEpoch).Run(Fresh(missingRoot, "cafe"), stdout, stderr);
        Assert.Equal(0, exit);
        Assert.Contains($"reportData: {Convert.ToHexStringLower(SHA512.HashData(Convert.FromHexString("cafe")))}", stdout.ToString(), StringComparison.Ordinal);
        Assert.Contains("TDREPORT", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Without_configfs_tsm_or_device_the_error_says_this_is_not_a_tdx_guest()
    {
        using var dir = new TempDir();
        var missingRoot = Path.Combine(dir.Path, "no-tsm");
        var e = Assert.Throws<UserInputException>(() => new AttestTdxRunner(new FakeTsm(missingRoot), new NoDevice(), () => DateTimeOffset.UnixEpoch).Run(Fresh(missingRoot), new StringWriter(), new StringWriter()));
        Assert.Contains("not a TDX guest", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ioctl_number_is_iowr_T_1_of_the_1088_byte_request()
    {
        // _IOWR('T', 1, struct tdx_report_req): dir 3 << 30 | size 1088 << 16 | 'T' << 8 | 1.
        Assert.Equal((3u << 30) | (1088u << 16) | ((uint)'T' << 8) | 1u, TdxGuestDevice.TdxCmdGetReport0);
    }
}
