using CvmCheck.Testing;

namespace CvmCheck.Cli.Tests;

/// <summary><c>attest gpu --policy</c>: the shared policy engine appraises the report's claims.</summary>
public sealed class AttestGpuPolicyTests
{
    private const string Nonce = "931d8dd0add203ac3d8b4fbde75e115278eefcdceac5b87671a748f32364dfcb";

    private static Cli.Result Attest(string reportDir, string policyYaml, TempDir dir)
    {
        var policy = dir.Write("gpu.yaml", policyYaml);
        return Cli.Run("attest", "gpu", "--report", Path.Combine(reportDir, "report.hex"), "--certs", Path.Combine(reportDir, "chain.pem"),
            "--nonce", Nonce, "--at", "2025-06-20T00:00:00Z", "--policy", policy, "--format", "json");
    }

    private static string Report(string name) => Repo.Fixture("attestation", "gpu", "reports", name);

    private static string Driver(string range) => $$"""
        apiVersion: cvmcheck/v1
        kind: Policy
        metadata: { name: fleet-gpu }
        rules:
          - id: gpu.attested.driver
            title: Attested driver is an approved release
            severity: high
            fact: gpu[*].attestation.driver_version
            version: "{{range}}"
            remediation: Install an approved driver.
        """;

    [Fact]
    public void A_policy_over_the_attested_driver_version_passes_or_fails_the_report()
    {
        using var dir = new TempDir();
        var ok = Attest(Report("h100_550.90.07_vbios_96.00.9F.00.01"), Driver(">=550.54.14"), dir);
        Assert.Equal(0, ok.ExitCode);
        Assert.Equal("pass", ok.Json.GetProperty("verdict").GetString());
        Assert.Equal("fleet-gpu", ok.Json.GetProperty("appraisal").GetProperty("policies")[0].GetString());

        var old = Attest(Report("h100_550.90.07_vbios_96.00.9F.00.01"), Driver(">=570"), dir);
        Assert.Equal(1, old.ExitCode);
        var finding = old.Json.GetProperty("appraisal").GetProperty("findings")[0];
        Assert.Equal("gpu[0]", finding.GetProperty("subject").GetString());
        Assert.Equal("550.90.07", finding.GetProperty("actual").GetString());
    }

    [Fact]
    public void No_policy_can_make_a_report_with_a_bad_signature_pass()
    {
        using var dir = new TempDir();
        var r = Attest(Repo.Fixture("attestation", "gpu", "negatives", "derived_flipped_signature_byte"), Driver(">=1"), dir);
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("fail", r.Json.GetProperty("verdict").GetString());
    }
}
