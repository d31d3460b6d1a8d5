using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CvmCheck.Cli;
using CvmCheck.Cli.Attest.Tdx;
using CvmCheck.Testing;

namespace CvmCheck.Cli.Tests;

public sealed class AttestTdxCliTests
{
    private static string Set(string name) => Repo.Fixture("attestation", "tdx", name);

    private static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = CliApp.Run(args, stdout, stderr, isTerminal: false);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private static (int Exit, string Out, string Err) Attest(string set, string at, params string[] more) =>
        Run(["attest", "tdx", "--quote", Path.Combine(Set(set), "quote.bin"), "--collateral", Set(set), "--at", at, .. more]);

    [Fact]
    public void UpToDate_quote_passes_with_exit_0_and_attest_v1_json()
    {
        var (exit, stdout, _) = Attest("dcapqvl_v4_b0c06f_uptodate", "2025-06-20T00:00:00Z", "--format", "json");
        Assert.Equal(0, exit);
        var root = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal("cvmcheck/attest/v1", root.GetProperty("schema").GetString());
        Assert.Equal("pass", root.GetProperty("verdict").GetString());
        var claims = root.GetProperty("claims");
        Assert.Equal("UpToDate", claims.GetProperty("tcbStatus").GetString());
        Assert.Equal("91eb2b44d141d4ece09f0c75c2c53d247a3c68edd7fafe8a3520c942a604a407de03ae6dc5f87f27428b2538873118b7", claims.GetProperty("mrtd").GetString());
        Assert.Equal(4, claims.GetProperty("rtmr").GetArrayLength());
        Assert.False(claims.GetProperty("debug").GetBoolean());
        Assert.True(claims.GetProperty("attributes").GetProperty("septVeDisable").GetBoolean());
        Assert.Equal(4, claims.GetProperty("quoteVersion").GetInt32());
        Assert.Equal("b0c06f000000", claims.GetProperty("fmspc").GetString());
        Assert.All(root.GetProperty("steps").EnumerateArray(), s => Assert.Contains(s.GetProperty("status").GetString(), new[] { "pass", "skip" }));
    }

    [Fact]
    public void OutOfDate_quote_fails_with_exit_1_and_still_reports_its_status()
    {
        var (exit, stdout, _) = Attest("trustee_v4_00a06d_outofdate", "2025-11-10T00:00:00Z", "--format", "json");
        Assert.Equal(1, exit);
        var root = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal("fail", root.GetProperty("verdict").GetString());
        Assert.Equal("OutOfDate", root.GetProperty("claims").GetProperty("tcbStatus").GetString());
        Assert.Equal("unchecked", root.GetProperty("claims").GetProperty("revocation").GetString());
    }

    [Fact]
    public void Text_format_prints_one_line_per_step_then_the_claims()
    {
        var (exit, stdout, _) = Attest("neg_debug_trustee_v4_50806f", "2023-06-28T00:00:00Z");
        Assert.Equal(1, exit);
        Assert.StartsWith("verdict: fail", stdout, StringComparison.Ordinal);
        Assert.Contains("fail td.debug: TDATTRIBUTES.DEBUG is set [DebugTd]", stdout, StringComparison.Ordinal);
        Assert.Contains("  debug: true", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Truncated_quote_exits_2_naming_the_file_field_and_offset()
    {
        var (exit, stdout, stderr) = Attest("neg_truncated_1000", "2025-06-20T00:00:00Z");
        Assert.Equal(2, exit);
        Assert.Equal("", stdout);
        Assert.Contains("quote.bin: signature data at offset 636", stderr, StringComparison.Ordinal);
        Assert.Contains("Truncated", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_quote_file_exits_2()
    {
        var (exit, _, stderr) = Run("attest", "tdx", "--quote", "/nonexistent/quote.bin", "--collateral", Set("dcapqvl_v4_b0c06f_uptodate"));
        Assert.Equal(2, exit);
        Assert.Contains("/nonexistent/quote.bin", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Pem_garbage_in_collateral_exits_2_naming_the_file()
    {
        using var dir = new TempDir();
        foreach (var f in Directory.EnumerateFiles(Set("dcapqvl_v4_b0c06f_uptodate")))
        {
            File.Copy(f, Path.Combine(dir.Path, Path.GetFileName(f)));
        }

        dir.Write("tcb_info_issuer_chain.pem", "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n");
        var (exit, _, stderr) = Run("attest", "tdx", "--quote", Path.Combine(dir.Path, "quote.bin"), "--collateral", dir.Path, "--at", "2025-06-20T00:00:00Z");
        Assert.Equal(2, exit);
        Assert.Contains("tcb_info_issuer_chain.pem", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Nonce_whose_hash_is_not_the_report_data_fails_with_exit_1()
    {
        var (exit, stdout, _) = Attest("dcapqvl_v4_b0c06f_uptodate", "2025-06-20T00:00:00Z", "--nonce", "00112233", "--format", "json");
        Assert.Equal(1, exit);
        var step = JsonDocument.Parse(stdout).RootElement.GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "reportdata.nonce");
        Assert.Equal("fail", step.GetProperty("status").GetString());
        Assert.Equal("ReportDataMismatch", step.GetProperty("codes")[0].GetString());
    }

    [Theory]
    [InlineData("--at", "yesterday")]
    [InlineData("--nonce", "xyz")]
    [InlineData("--policy", "no-such-policy.yaml")]
    public void Bad_usage_exits_2_with_one_message(string option, string value)
    {
        var (exit, _, stderr) = Attest("dcapqvl_v4_b0c06f_uptodate", "2025-06-20T00:00:00Z", option, value);
        Assert.Equal(2, exit);
        Assert.Contains(option, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Collateral_past_its_window_fails_with_exit_1()
    {
        var (exit, stdout, _) = Attest("dcapqvl_v4_b0c06f_uptodate", "2025-07-19T10:00:36Z", "--format", "json");
        Assert.Equal(1, exit);
        Assert.Contains("CollateralExpired", stdout, StringComparison.Ordinal);
    }
}
