using System.Text.Json;
using CvmCheck.Testing;

namespace CvmCheck.Cli.Tests;

public sealed class CheckCommandTests
{
    private static readonly string CcOn = Repo.Snapshot("h100-tdx-cc-on");
    private static readonly string CcOff = Repo.Snapshot("h100-cc-off");

    [Fact]
    public void The_cc_on_fixture_passes_the_production_policy_with_exit_0()
    {
        var r = Cli.Run("check", "--root", CcOn, "--policy", "h100-tdx-cc-production", "--format", "json");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("cvmcheck/report/v1", r.Json.GetProperty("schema").GetString());
        Assert.Equal("pass", r.Json.GetProperty("verdict").GetString());
        Assert.DoesNotContain(r.Json.GetProperty("findings").EnumerateArray(), f => f.GetProperty("status").GetString() is "fail" or "error");
    }

    [Fact]
    public void The_cc_off_fixture_fails_naming_the_cc_rule_with_expected_actual_and_evidence()
    {
        var r = Cli.Run("check", "--root", CcOff, "--policy", "h100-tdx-cc-production", "--format", "json");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("fail", r.Json.GetProperty("verdict").GetString());
        var cc = r.Json.GetProperty("findings").EnumerateArray().First(f => f.GetProperty("id").GetString() == "gpu.cc.mode");
        Assert.Equal("fail", cc.GetProperty("status").GetString());
        Assert.Equal("critical", cc.GetProperty("severity").GetString());
        Assert.Equal("gpu[0]", cc.GetProperty("subject").GetString());
        Assert.Equal("on", cc.GetProperty("expected").GetString());
        Assert.Equal("off", cc.GetProperty("actual").GetString());
        var evidence = cc.GetProperty("evidence")[0];
        Assert.Equal("commands/nvidia-smi_conf-compute_-f.out", evidence.GetProperty("artifact").GetString());
        Assert.Equal(1, evidence.GetProperty("line").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(cc.GetProperty("remediation").GetString()));
        Assert.Equal("off", r.Json.GetProperty("facts").GetProperty("gpu[0].cc.mode").GetProperty("value").GetString());
    }

    [Fact]
    public void Text_output_groups_by_status_and_shows_expected_actual_and_evidence()
    {
        var r = Cli.Run("check", "--root", CcOff, "--policy", "h100-tdx-cc-production");
        Assert.Equal(1, r.ExitCode);
        Assert.StartsWith("cvmcheck: snapshot", r.Out, StringComparison.Ordinal);
        Assert.Contains("FAIL (", r.Out, StringComparison.Ordinal);
        Assert.Contains("gpu.cc.mode [gpu[0]]", r.Out, StringComparison.Ordinal);
        Assert.Contains("expected: on", r.Out, StringComparison.Ordinal);
        Assert.Contains("actual:   off", r.Out, StringComparison.Ordinal);
        Assert.Contains("evidence: commands/nvidia-smi_conf-compute_-f.out:1", r.Out, StringComparison.Ordinal);
        Assert.True(r.Out.IndexOf("FAIL (", StringComparison.Ordinal) < r.Out.IndexOf("PASS (", StringComparison.Ordinal));
        Assert.Contains("verdict: fail", r.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b[", r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_policy_the_baseline_is_used()
    {
        var r = Cli.Run("check", "--root", CcOn, "--format", "json");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(["predictive", "baseline"], r.Json.GetProperty("policies").EnumerateArray().Select(p => p.GetString()));
    }

    [Fact]
    public void A_policy_with_a_typo_exits_2_naming_file_line_and_column()
    {
        using var dir = new TempDir();
        var policy = dir.Write("typo.yaml", "apiVersion: cvmcheck/v1\nkind: Policy\nrules:\n  - id: gpu.cc.mode\n    title: CC on\n    severity: critical\n    fact: gpu[*].cc.mdoe\n    equals: \"on\"\n");
        var r = Cli.Run("check", "--root", CcOn, "--policy", policy);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains($"{policy}:7:11: unknown fact 'gpu[*].cc.mdoe'; did you mean 'gpu[*].cc.mode'?", r.Error, StringComparison.Ordinal);
        Assert.Empty(r.Out);
        Assert.DoesNotContain("   at ", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_snapshot_directory_exits_2_with_a_clear_message()
    {
        var r = Cli.Run("check", "--root", "/nonexistent/snapshot");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--root /nonexistent/snapshot: no such snapshot directory", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_policy_name_exits_2_listing_the_built_ins()
    {
        var r = Cli.Run("check", "--root", CcOn, "--policy", "h100-production");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("h100-tdx-cc-production", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Several_outputs_in_one_run_are_written_whole()
    {
        using var dir = new TempDir();
        var json = Path.Combine(dir.Path, "report.json");
        var r = Cli.Run("check", "--root", CcOff, "--policy", "h100-tdx-cc-production", "--format", "text", "--format", "json:" + json);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("verdict: fail", r.Out, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        Assert.Equal("fail", doc.RootElement.GetProperty("verdict").GetString());
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp"));
    }

    [Fact]
    public void Output_to_a_missing_directory_is_bad_input()
    {
        var r = Cli.Run("check", "--root", CcOn, "--output", "/nonexistent/dir/report.txt");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("does not exist", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Fail_on_critical_turns_high_failures_into_warnings_and_strict_makes_warn_exit_1()
    {
        // h100-cc-off fails critical (cc.mode) and high rules; with fail-on critical the verdict stays fail.
        Assert.Equal(1, Cli.Run("check", "--root", CcOff, "--policy", "h100-tdx-cc-production", "--fail-on", "critical").ExitCode);

        using var dir = new TempDir();
        var policy = dir.Write("p.yaml", "apiVersion: cvmcheck/v1\nkind: Policy\nrules:\n  - { id: cc.env, title: env, severity: high, fact: \"gpu[*].cc.ready\", equals: true, remediation: r }\n");
        var warn = Cli.Run("check", "--root", CcOff, "--policy", policy, "--fail-on", "critical", "--format", "json");
        Assert.Equal(0, warn.ExitCode);
        Assert.Equal("warn", warn.Json.GetProperty("verdict").GetString());
        Assert.Equal(1, Cli.Run("check", "--root", CcOff, "--policy", policy, "--fail-on", "critical", "--strict").ExitCode);
    }

    [Fact]
    public void Unknown_flags_are_bad_usage() => Assert.Equal(2, Cli.Run("check", "--rooot", CcOn).ExitCode);
}

public sealed class CheckDiagnosesTests
{
    [Fact]
    public void Check_reports_the_kernel_log_diagnoses_beside_its_findings_and_they_fail_the_verdict()
    {
        var r = Cli.Run("check", "--root", Repo.Snapshot("seed-000-rm-init-failed"), "--format", "json");
        Assert.Equal(1, r.ExitCode);
        var ids = r.Json.GetProperty("diagnoses").EnumerateArray().Select(d => d.GetProperty("id").GetString()).ToList();
        Assert.Contains("gpu.rm-init-failed", ids);
        Assert.Contains("gpu.fsp-timeout", ids);
        Assert.DoesNotContain(r.Json.GetProperty("findings").EnumerateArray(), f => f.GetProperty("id").GetString() == "gpu.rm-init-failed");
        var evidence = r.Json.GetProperty("diagnoses").EnumerateArray().First(d => d.GetProperty("id").GetString() == "gpu.rm-init-failed").GetProperty("evidence")[0];
        Assert.Equal("commands/dmesg.out", evidence.GetProperty("artifact").GetString());
        Assert.True(evidence.GetProperty("line").GetInt32() > 0);
    }

    [Fact]
    public void Informational_diagnoses_never_fail_a_healthy_check()
    {
        var r = Cli.Run("check", "--root", Repo.Snapshot("h100-tdx-cc-on"), "--policy", "h100-tdx-cc-production", "--format", "json");
        Assert.Equal(0, r.ExitCode);
        Assert.All(r.Json.GetProperty("diagnoses").EnumerateArray(), d => Assert.Equal("info", d.GetProperty("severity").GetString()));
    }

    [Fact]
    public void Predictive_rules_run_with_the_baseline_and_warn_before_the_failure_shows()
    {
        var r = Cli.Run("check", "--root", Repo.Snapshot("seed-001-s0ix"), "--format", "json");
        var predicted = r.Json.GetProperty("findings").EnumerateArray().Single(f => f.GetProperty("id").GetString() == "kernel.follow-pte-resume");
        Assert.Equal("kernel.follow-pte-resume", predicted.GetProperty("predicts").GetString());
        Assert.Contains(predicted.GetProperty("status").GetString(), new[] { "warn", "fail" });
        Assert.DoesNotContain(r.Json.GetProperty("diagnoses").EnumerateArray(), d => d.GetProperty("id").GetString() == "kernel.follow-pte-resume");
    }

    [Fact]
    public void Diagnose_without_a_log_or_snapshot_reads_this_host_and_never_crashes()
    {
        var r = Cli.Run("diagnose", "--format", "json", "--command-timeout", "2s");
        Assert.Contains(r.ExitCode, new[] { 0, 1 });
        Assert.Equal("cvmcheck/diagnose/v1", r.Json.GetProperty("schema").GetString());
    }
}
