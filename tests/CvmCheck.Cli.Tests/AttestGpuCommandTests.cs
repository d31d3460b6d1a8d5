using System.Text.Json;
using CvmCheck.Testing;

namespace CvmCheck.Cli.Tests;

public sealed class AttestGpuCommandTests
{
    private const string Report550 = "reports/h100_550.90.07_vbios_96.00.9F.00.01";
    private const string Nonce550 = "931d8dd0add203ac3d8b4fbde75e115278eefcdceac5b87671a748f32364dfcb";
    private const string Report545 = "reports/h100_545.00_vbios_96.00.5E.00.01";
    private const string Nonce545 = "4cff7f5380ead8fad8ec2c531c110aca4302a88f603792801a8ca29ee151af2e";
    private const string At = "2024-06-01T00:00:00Z";

    private static string F(string relative) => Repo.Fixture("attestation", "gpu", relative);

    private static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = CliApp.Run(["attest", "gpu", .. args], stdout, stderr, isTerminal: false);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private static JsonElement Json(string output) => JsonDocument.Parse(output).RootElement;

    [Fact]
    public void Genuine_report_as_json_passes_with_the_documented_claims()
    {
        var (exit, output, _) = Run("--report", F(Report550 + "/report.hex"), "--certs", F(Report550 + "/chain.pem"), "--nonce", Nonce550, "--at", At, "--format", "json");

        Assert.Equal(0, exit);
        var json = Json(output);
        Assert.Equal("cvmcheck/attest/v1", json.GetProperty("schema").GetString());
        Assert.Equal("pass", json.GetProperty("verdict").GetString());
        var claims = json.GetProperty("claims");
        Assert.True(claims.GetProperty("signatureValid").GetBoolean());
        Assert.True(claims.GetProperty("chainValid").GetBoolean());
        Assert.True(claims.GetProperty("fwidMatches").GetBoolean());
        Assert.True(claims.GetProperty("nonceMatches").GetBoolean());
        Assert.Equal("550.90.07", claims.GetProperty("driverVersion").GetString());
        Assert.Equal("96.00.9F.00.01", claims.GetProperty("vbiosVersion").GetString());
        Assert.Equal("unknown", claims.GetProperty("revocation").GetString());
        Assert.Equal(64, claims.GetProperty("measurements").GetArrayLength());
        Assert.Equal(0, claims.GetProperty("measurements")[0].GetProperty("index").GetInt32());
        Assert.False(claims.GetProperty("setReady").GetBoolean());
        Assert.Contains(json.GetProperty("steps").EnumerateArray(), s => s.GetProperty("name").GetString() == "report.signature" && s.GetProperty("status").GetString() == "pass");
    }

    [Fact]
    public void Wrong_nonce_exits_1_with_the_nonce_step_failed()
    {
        var (exit, output, _) = Run("--report", F(Report550 + "/report.hex"), "--certs", F(Report550 + "/chain.pem"), "--nonce", Nonce545, "--at", At, "--format", "json");

        Assert.Equal(1, exit);
        var step = Json(output).GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "report.nonce");
        Assert.Equal("NonceMismatch", step.GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("negatives/derived_truncated_tail", "response.Signature")]
    [InlineData("negatives/derived_truncated_in_record", "response.MeasurementRecordLength")]
    [InlineData("negatives/derived_request_only", "report at offset 37")]
    public void Malformed_report_exits_2_naming_the_file_and_field(string dir, string field)
    {
        var (exit, output, error) = Run("--report", F(dir + "/report.hex"), "--certs", F(dir + "/chain.pem"), "--at", At);

        Assert.Equal(2, exit);
        Assert.Empty(output);
        Assert.Contains(dir + "/report.hex", error, StringComparison.Ordinal);
        Assert.Contains(field, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--nonce", "abcd", "32 bytes")]
    [InlineData("--nonce", "zz", "not hex")]
    [InlineData("--at", "yesterday", "not a time")]
    [InlineData("--rims", "/nonexistent-cvmcheck-dir", "no such directory")]
    public void Bad_option_values_exit_2_with_one_clear_message(string option, string value, string message)
    {
        var (exit, _, error) = Run("--report", F(Report550 + "/report.hex"), "--certs", F(Report550 + "/chain.pem"), option, value);

        Assert.Equal(2, exit);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Rim_with_mismatching_measurements_exits_1_and_lists_them()
    {
        using var rims = new TempDir();
        File.Copy(F("rims/vbios/1010_0200_882_96005E0001_PROD.swidtag"), Path.Combine(rims.Path, "prod.swidtag"));

        var (exit, output, _) = Run("--report", F(Report545 + "/report.hex"), "--certs", F(Report545 + "/chain.pem"), "--nonce", Nonce545, "--rims", rims.Path, "--at", At, "--format", "json");

        Assert.Equal(1, exit);
        var mismatched = Json(output).GetProperty("claims").GetProperty("measurements").EnumerateArray()
            .Where(m => m.GetProperty("status").GetString() == "mismatch").Select(m => m.GetProperty("index").GetInt32());
        Assert.Equal([1, 2, 3, 9], mismatched);
    }

    [Fact]
    public void Both_matching_rims_found_recursively_pass_in_text_format()
    {
        using var rims = new TempDir();
        rims.Write("vbios/a.swidtag", File.ReadAllText(F("rims/vbios/1010_0200_882_96005E0001_test_no_gpu.swidtag")));
        rims.Write("driver/b.swidtag", File.ReadAllText(F("rims/driver/Driver_RIM_test_no_gpu.swidtag")));

        var (exit, output, _) = Run("--report", F(Report545 + "/report.hex"), "--certs", F(Report545 + "/chain.pem"), "--nonce", Nonce545, "--rims", rims.Path, "--at", At);

        Assert.Equal(0, exit);
        Assert.Contains("pass  measurements: 33 measurement(s) match", output, StringComparison.Ordinal);
        Assert.Contains("measurements: 33 match, 0 mismatch, 31 no-reference", output, StringComparison.Ordinal);
        Assert.EndsWith("verdict: pass" + Environment.NewLine, output, StringComparison.Ordinal);
    }

    [Fact]
    public void Rim_edited_after_signing_exits_1_with_rim_digest_failed()
    {
        using var rims = new TempDir();
        File.Copy(F("negatives/derived_rim_modified_measurement.swidtag"), Path.Combine(rims.Path, "edited.swidtag"));

        var (exit, output, _) = Run("--report", F(Report545 + "/report.hex"), "--certs", F(Report545 + "/chain.pem"), "--nonce", Nonce545, "--rims", rims.Path, "--at", At, "--format", "json");

        Assert.Equal(1, exit);
        var step = Json(output).GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "rim.digest");
        Assert.Equal("RimDigestInvalid", step.GetProperty("code").GetString());
    }

    [Fact]
    public void Serialized_nvidia_evidence_json_carries_its_own_chain()
    {
        var (exit, output, _) = Run("--report", F("hopper_evidence_nvat_serialized.json"), "--nonce", "e97b23a1718095a0e9e35edca810768c70a6a5a389b705e753b197912bc11576", "--at", At, "--format", "json");

        Assert.Equal(0, exit);
        Assert.Equal("590.12", Json(output).GetProperty("claims").GetProperty("driverVersion").GetString());
    }

    [Fact]
    public void Empty_ocsp_directory_leaves_revocation_unknown_and_passes_with_a_note()
    {
        using var ocsp = new TempDir();

        var (exit, output, _) = Run("--report", F(Report550 + "/report.hex"), "--certs", F(Report550 + "/chain.pem"), "--nonce", Nonce550, "--ocsp", ocsp.Path, "--at", At, "--format", "json");

        Assert.Equal(0, exit);
        var json = Json(output);
        Assert.Equal("unknown", json.GetProperty("claims").GetProperty("revocation").GetString());
        var step = json.GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "certs.revocation");
        Assert.Equal("skip", step.GetProperty("status").GetString());
        Assert.Equal("RevocationUnknown", step.GetProperty("code").GetString());
    }

    [Fact]
    public void Unreadable_ocsp_response_for_a_chain_certificate_fails_closed()
    {
        using var ocsp = new TempDir();
        var brom = CvmCheck.Attestation.Gpu.CertificateFiles.ReadFile(F(Report550 + "/chain.pem"))[1];
        ocsp.WriteBytes(CvmCheck.Attestation.Gpu.OcspChecker.FileNameFor(brom), [0x30, 0x03, 0x0a, 0x01, 0x00]);

        var (exit, output, _) = Run("--report", F(Report550 + "/report.hex"), "--certs", F(Report550 + "/chain.pem"), "--nonce", Nonce550, "--ocsp", ocsp.Path, "--at", At, "--format", "json");

        Assert.Equal(1, exit);
        var json = Json(output);
        Assert.Equal("invalid", json.GetProperty("claims").GetProperty("revocation").GetString());
        var step = json.GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "certs.revocation");
        Assert.Equal("OcspResponseInvalid", step.GetProperty("code").GetString());
    }

    [Fact]
    public void Missing_required_report_option_is_bad_usage()
    {
        var (exit, _, error) = Run("--certs", F(Report550 + "/chain.pem"));

        Assert.Equal(2, exit);
        Assert.Contains("--report", error, StringComparison.Ordinal);
    }
}
