using System.Text.Json;
using CvmCheck.Core.Rules;
using CvmCheck.Reporting.Sarif;

namespace CvmCheck.Reporting.Tests;

/// <summary>
/// SARIF 2.1.0 checked structurally against the properties the OASIS schema requires and code-scanning
/// services rely on (no schema validator is available offline).
/// </summary>
public sealed class SarifReportTests
{
    private static JsonElement Render(Core.Reports.CheckReport report) =>
        JsonDocument.Parse(SampleReports.Render("sarif", report)).RootElement;

    [Fact]
    public void Document_has_the_required_top_level_properties_of_SARIF_2_1_0()
    {
        var root = Render(SampleReports.Mixed());
        Assert.Equal("2.1.0", root.GetProperty("version").GetString());
        Assert.Equal(SarifReport.SchemaUri, root.GetProperty("$schema").GetString());
        var run = Assert.Single(root.GetProperty("runs").EnumerateArray());
        Assert.Equal("cvmcheck", run.GetProperty("tool").GetProperty("driver").GetProperty("name").GetString());
    }

    [Fact]
    public void Every_result_has_a_rule_id_defined_in_the_driver_rules_a_message_and_an_allowed_level()
    {
        var run = Render(SampleReports.Mixed()).GetProperty("runs")[0];
        var rules = run.GetProperty("tool").GetProperty("driver").GetProperty("rules").EnumerateArray().ToList();
        var ruleIds = rules.Select(r => r.GetProperty("id").GetString()).ToList();
        Assert.Equal(ruleIds.Count, ruleIds.Distinct().Count());
        foreach (var rule in rules)
        {
            Assert.False(string.IsNullOrEmpty(rule.GetProperty("shortDescription").GetProperty("text").GetString()));
            Assert.False(string.IsNullOrEmpty(rule.GetProperty("help").GetProperty("text").GetString()));
            Assert.Contains(rule.GetProperty("defaultConfiguration").GetProperty("level").GetString(), SarifReport.Levels);
        }

        var results = run.GetProperty("results").EnumerateArray().ToList();
        Assert.NotEmpty(results);
        foreach (var result in results)
        {
            var ruleId = result.GetProperty("ruleId").GetString();
            Assert.Contains(ruleId, ruleIds);
            Assert.Equal(ruleId, ruleIds[result.GetProperty("ruleIndex").GetInt32()]);
            Assert.False(string.IsNullOrEmpty(result.GetProperty("message").GetProperty("text").GetString()));
            Assert.Contains(result.GetProperty("level").GetString(), SarifReport.Levels);
            foreach (var location in result.GetProperty("locations").EnumerateArray())
            {
                var artifact = location.GetProperty("physicalLocation").GetProperty("artifactLocation");
                Assert.Equal(SarifReport.SourceRootId, artifact.GetProperty("uriBaseId").GetString());
                Assert.True(Uri.TryCreate(artifact.GetProperty("uri").GetString(), UriKind.Relative, out _));
            }
        }
    }

    [Fact]
    public void Rules_carry_title_as_short_description_remediation_as_help_and_level_from_severity()
    {
        var rules = Render(SampleReports.Mixed()).GetProperty("runs")[0].GetProperty("tool").GetProperty("driver").GetProperty("rules");
        var cc = rules.EnumerateArray().Single(r => r.GetProperty("id").GetString() == "gpu.cc.mode");
        Assert.Equal("GPU confidential computing mode is on", cc.GetProperty("shortDescription").GetProperty("text").GetString());
        Assert.Equal("Enable CC mode on the host for this GPU and restart the CVM.", cc.GetProperty("help").GetProperty("text").GetString());
        Assert.Equal("error", cc.GetProperty("defaultConfiguration").GetProperty("level").GetString());
        Assert.Equal("https://github.com/NVIDIA/gpu-admin-tools", cc.GetProperty("helpUri").GetString());
    }

    [Fact]
    public void Passing_and_skipped_findings_produce_no_result_so_fixed_alerts_close()
    {
        var results = Render(SampleReports.Mixed()).GetProperty("runs")[0].GetProperty("results").EnumerateArray().ToList();
        var subjects = results.Where(r => r.GetProperty("ruleId").GetString() == "gpu.cc.mode")
            .Select(r => r.GetProperty("properties").GetProperty("subject").GetString());
        Assert.Equal(["gpu[1]"], subjects);
        Assert.DoesNotContain(results, r => r.GetProperty("ruleId").GetString() == "tdx.td.no-debug");
        Assert.Empty(Render(SampleReports.Passing()).GetProperty("runs")[0].GetProperty("results").EnumerateArray());
    }

    [Fact]
    public void Failing_result_message_states_expected_and_actual_and_points_at_the_evidence_line()
    {
        var result = Render(SampleReports.Mixed()).GetProperty("runs")[0].GetProperty("results").EnumerateArray()
            .Single(r => r.GetProperty("ruleId").GetString() == "gpu.cc.mode");
        Assert.Equal("error", result.GetProperty("level").GetString());
        Assert.Contains("expected on, actual off", result.GetProperty("message").GetProperty("text").GetString());
        var physical = result.GetProperty("locations")[0].GetProperty("physicalLocation");
        Assert.Equal("commands/nvidia-smi_conf-compute_-f.out", physical.GetProperty("artifactLocation").GetProperty("uri").GetString());
        Assert.Equal(2, physical.GetProperty("region").GetProperty("startLine").GetInt32());
    }

    [Fact]
    public void Fingerprint_depends_on_rule_and_subject_only_so_reruns_update_the_same_alert()
    {
        var first = SampleReports.Mixed();
        var rerun = first with
        {
            Timestamp = first.Timestamp.AddHours(6),
            Findings = first.Findings.Select(f => f with { Actual = "something else", Note = "different note" }).ToList(),
        };
        static Dictionary<string, string> Prints(JsonElement root) => root.GetProperty("runs")[0].GetProperty("results").EnumerateArray()
            .ToDictionary(
                r => r.GetProperty("ruleId").GetString() + "|" + (r.GetProperty("properties").TryGetProperty("subject", out var s) ? s.GetString() : "system"),
                r => r.GetProperty("partialFingerprints").GetProperty(SarifReport.FingerprintKey).GetString()!);

        Assert.Equal(Prints(Render(first)), Prints(Render(rerun)));
        Assert.NotEqual(SarifReport.Fingerprint("gpu.cc.mode", "gpu[0]"), SarifReport.Fingerprint("gpu.cc.mode", "gpu[1]"));
        Assert.Equal(SarifReport.Fingerprint("gpu.cc.mode", "gpu[1]"), SarifReport.Fingerprint("gpu.cc.mode", "gpu[1]"));
    }

    [Fact]
    public void Waived_finding_is_reported_with_an_accepted_suppression_carrying_the_waiver_reason()
    {
        var results = Render(SampleReports.Mixed()).GetProperty("runs")[0].GetProperty("results").EnumerateArray().ToList();
        var waived = results.Single(r => r.GetProperty("ruleId").GetString() == "gpu.persistence");
        var suppression = Assert.Single(waived.GetProperty("suppressions").EnumerateArray());
        Assert.Equal("external", suppression.GetProperty("kind").GetString());
        Assert.Equal("accepted", suppression.GetProperty("status").GetString());
        Assert.Contains("GPU 1 is reserved for a burn-in test", suppression.GetProperty("justification").GetString());
        Assert.Contains("sre-lead", suppression.GetProperty("justification").GetString());

        var expired = results.Single(r => r.GetProperty("ruleId").GetString() == "platform.uefi");
        Assert.False(expired.TryGetProperty("suppressions", out _), "an expired waiver suppresses nothing");
        Assert.Equal("error", expired.GetProperty("level").GetString());
    }

    [Theory]
    [InlineData(Severity.Critical, "error")]
    [InlineData(Severity.High, "error")]
    [InlineData(Severity.Medium, "warning")]
    [InlineData(Severity.Low, "note")]
    [InlineData(Severity.Info, "note")]
    public void Severity_maps_to_a_SARIF_level(Severity severity, string level) =>
        Assert.Equal(level, SarifReport.LevelOf(severity));

    [Theory]
    [InlineData("commands/nvidia-smi_-q_-x.out", "commands/nvidia-smi_-q_-x.out")]
    [InlineData("/proc/cpuinfo", "proc/cpuinfo")]
    [InlineData("sys/bus/pci/devices/0000:1b:00.0/resource", "sys/bus/pci/devices/0000%3A1b%3A00.0/resource")]
    [InlineData("commands/journalctl_-k_-b_--no-pager.out", "commands/journalctl_-k_-b_--no-pager.out")]
    public void Artifact_paths_become_relative_uri_references(string artifact, string uri) =>
        Assert.Equal(uri, SarifReport.ArtifactUri(artifact));
}
