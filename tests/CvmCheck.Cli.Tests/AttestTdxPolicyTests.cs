using System.Text.Json;
using CvmCheck.Testing;

namespace CvmCheck.Cli.Tests;

/// <summary><c>attest tdx --policy</c>: the shared policy engine appraises the quote's claims.</summary>
public sealed class AttestTdxPolicyTests
{
    private static string Set(string name) => Repo.Fixture("attestation", "tdx", name);

    private static Cli.Result Attest(string set, string at, string policyYaml, TempDir dir)
    {
        var policy = dir.Write("appraisal.yaml", policyYaml);
        return Cli.Run("attest", "tdx", "--quote", Path.Combine(Set(set), "quote.bin"), "--collateral", Set(set), "--at", at, "--policy", policy, "--format", "json");
    }

    private const string AcceptOutOfDate = """
        apiVersion: cvmcheck/v1
        kind: Policy
        metadata: { name: fleet-tdx }
        rules:
          - id: tdx.tcb.acceptable
            title: TCB status is acceptable for this fleet
            severity: high
            fact: tdx.tcb.status
            in: [UpToDate, SWHardeningNeeded, OutOfDate]
            remediation: Update the platform TCB (BIOS/microcode/TDX module).
          - id: tdx.td.no-debug
            title: not a debug TD
            severity: critical
            fact: tdx.td.debug
            equals: false
            remediation: Relaunch without debug.
        """;

    [Fact]
    public void A_policy_can_accept_an_out_of_date_tcb_that_the_default_appraisal_fails()
    {
        using var dir = new TempDir();
        var r = Attest("trustee_v4_00a06d_outofdate", "2025-11-10T00:00:00Z", AcceptOutOfDate, dir);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("pass", r.Json.GetProperty("verdict").GetString());
        Assert.Equal("OutOfDate", r.Json.GetProperty("claims").GetProperty("tcbStatus").GetString());
        var appraisal = r.Json.GetProperty("appraisal");
        Assert.Equal(["fleet-tdx"], appraisal.GetProperty("policies").EnumerateArray().Select(p => p.GetString()));
        Assert.All(appraisal.GetProperty("findings").EnumerateArray(), f => Assert.Equal("pass", f.GetProperty("status").GetString()));
    }

    [Fact]
    public void A_policy_pinning_another_mrtd_fails_the_quote()
    {
        using var dir = new TempDir();
        var r = Attest("dcapqvl_v4_b0c06f_uptodate", "2025-06-20T00:00:00Z", """
            apiVersion: cvmcheck/v1
            kind: Policy
            rules:
              - id: tdx.mrtd.pinned
                title: MRTD is the approved image
                severity: critical
                fact: tdx.td.mrtd
                in: ["00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"]
                remediation: Boot the approved TD image.
            """, dir);
        Assert.Equal(1, r.ExitCode);
        var finding = r.Json.GetProperty("appraisal").GetProperty("findings")[0];
        Assert.Equal("fail", finding.GetProperty("status").GetString());
        Assert.StartsWith("91eb2b44", finding.GetProperty("actual").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void No_policy_can_make_a_tampered_quote_pass()
    {
        using var dir = new TempDir();
        var r = Attest("neg_tampered_mrtd", "2025-06-20T00:00:00Z", AcceptOutOfDate, dir);
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("fail", r.Json.GetProperty("verdict").GetString());
    }

    [Fact]
    public void A_policy_naming_an_unknown_claim_is_bad_input_with_its_position()
    {
        using var dir = new TempDir();
        var r = Attest("dcapqvl_v4_b0c06f_uptodate", "2025-06-20T00:00:00Z", "apiVersion: cvmcheck/v1\nkind: Policy\nrules:\n  - id: x.y\n    title: t\n    severity: low\n    fact: tdx.tcb.stauts\n    equals: UpToDate\n", dir);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(":7:11: unknown fact 'tdx.tcb.stauts'; did you mean 'tdx.tcb.status'?", r.Error, StringComparison.Ordinal);
    }
}
