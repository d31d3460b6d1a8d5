using CvmCheck.Testing;

namespace CvmCheck.Cli.Tests;

/// <summary><c>check --quote --collateral</c>: attestation claims as facts for check policies.</summary>
public sealed class CheckAttestationTests
{
    private static string Set(string name) => Repo.Fixture("attestation", "tdx", name);

    private static Cli.Result Check(string set, string at) =>
        Cli.Run("check", "--root", Repo.Snapshot("h100-tdx-cc-on"), "--policy", "h100-tdx-cc-production",
            "--quote", Path.Combine(Set(set), "quote.bin"), "--collateral", Set(set), "--at", at, "--format", "json");

    private static string StatusOf(Cli.Result r, string id) =>
        r.Json.GetProperty("findings").EnumerateArray().First(f => f.GetProperty("id").GetString() == id).GetProperty("status").GetString()!;

    [Fact]
    public void A_genuine_up_to_date_quote_adds_facts_and_passes()
    {
        var r = Check("dcapqvl_v4_b0c06f_uptodate", "2025-06-20T00:00:00Z");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("pass", StatusOf(r, "tdx.td.no-debug"));
        Assert.Equal("pass", StatusOf(r, "tdx.quote.genuine"));
        Assert.Equal("UpToDate", r.Json.GetProperty("facts").GetProperty("tdx.tcb.status").GetProperty("value").GetString());
    }

    [Fact]
    public void A_debug_td_fails_the_production_policy()
    {
        var r = Check("neg_debug_trustee_v4_50806f", "2023-06-28T00:00:00Z");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("fail", StatusOf(r, "tdx.td.no-debug"));
    }

    [Fact]
    public void A_tampered_quote_fails_as_not_genuine()
    {
        var r = Check("neg_tampered_mrtd", "2025-06-20T00:00:00Z");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("fail", StatusOf(r, "tdx.quote.genuine"));
    }

    [Fact]
    public void Without_a_quote_the_attestation_rules_skip()
    {
        var r = Cli.Run("check", "--root", Repo.Snapshot("h100-tdx-cc-on"), "--policy", "h100-tdx-cc-production", "--format", "json");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("skip", StatusOf(r, "tdx.quote.genuine"));
    }

    [Fact]
    public void A_quote_without_collateral_is_bad_usage()
    {
        var r = Cli.Run("check", "--root", Repo.Snapshot("h100-tdx-cc-on"), "--quote", Path.Combine(Set("dcapqvl_v4_b0c06f_uptodate"), "quote.bin"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--collateral", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_truncated_quote_is_bad_input_naming_field_and_offset()
    {
        var set = Set("neg_truncated_1000");
        var r = Cli.Run("check", "--root", Repo.Snapshot("h100-tdx-cc-on"), "--quote", Path.Combine(set, "quote.bin"), "--collateral", set);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("offset", r.Error, StringComparison.Ordinal);
    }
}
