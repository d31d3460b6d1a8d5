using System.Xml.Linq;

namespace CvmCheck.Reporting.Tests;

/// <summary>JUnit XML as CI systems read it: one testcase per finding, failures with expected/actual/evidence.</summary>
public sealed class JunitReportTests
{
    private static readonly XDocument Doc = XDocument.Parse(SampleReports.Render("junit", SampleReports.Mixed()));

    private static XElement Case(string name) => Doc.Descendants("testcase").Single(t => (string?)t.Attribute("name") == name);

    [Fact]
    public void One_testcase_per_finding_named_by_rule_id_and_subject_plus_one_per_diagnosis()
    {
        var names = Doc.Descendants("testcase").Select(t => (string?)t.Attribute("name")).ToList();
        Assert.Equal(
            ["gpu.cc.mode [gpu[0]]", "gpu.cc.mode [gpu[1]]", "tdx.td.no-debug", "platform.uefi", "nvidia.persistenced.active", "kernel.swiotlb", "gpu.persistence [gpu[1]]", "gpu.rm-init-failed"],
            names);
    }

    [Fact]
    public void Totals_count_failures_errors_and_skips_like_the_findings()
    {
        var root = Doc.Root!;
        Assert.Equal("8", (string?)root.Attribute("tests"));
        Assert.Equal("3", (string?)root.Attribute("failures"));
        Assert.Equal("1", (string?)root.Attribute("errors"));
        Assert.Equal("2", (string?)root.Attribute("skipped"));
    }

    [Fact]
    public void Failure_message_has_expected_and_actual_and_its_body_the_evidence_and_remedy()
    {
        var failure = Case("gpu.cc.mode [gpu[1]]").Element("failure")!;
        Assert.Contains("expected on, actual off", (string?)failure.Attribute("message"));
        Assert.Equal("critical", (string?)failure.Attribute("type"));
        Assert.Contains("evidence: commands/nvidia-smi_conf-compute_-f.out:2", failure.Value);
        Assert.Contains("remedy:   Enable CC mode", failure.Value);
    }

    [Fact]
    public void Passing_case_has_no_child_error_finding_is_an_error_and_skip_is_skipped()
    {
        Assert.Empty(Case("gpu.cc.mode [gpu[0]]").Elements());
        Assert.Contains("unreadable: permission denied", (string?)Case("kernel.swiotlb").Element("error")!.Attribute("message"));
        Assert.Equal("skipped: its 'when' guard does not hold", (string?)Case("tdx.td.no-debug").Element("skipped")!.Attribute("message"));
    }

    [Fact]
    public void Waived_finding_is_skipped_with_the_waiver_reason_and_an_expired_waiver_fails()
    {
        var skipped = Case("gpu.persistence [gpu[1]]").Element("skipped")!;
        Assert.Equal("waived until 2099-12-31 by sre-lead: GPU 1 is reserved for a burn-in test", (string?)skipped.Attribute("message"));
        Assert.Contains("waiver expired on 2020-01-31", (string?)Case("platform.uefi").Element("failure")!.Attribute("message"));
    }

    [Fact]
    public void Warning_passes_with_details_in_system_out_so_it_does_not_break_the_pipeline()
    {
        var warn = Case("nvidia.persistenced.active");
        Assert.Null(warn.Element("failure"));
        Assert.StartsWith("WARNING:", warn.Element("system-out")!.Value);
    }

    [Fact]
    public void Control_characters_from_kernel_logs_are_replaced_so_the_XML_stays_well_formed()
    {
        var failure = Case("gpu.rm-init-failed").Element("failure")!;
        Assert.Contains("RmInitAdapter failed! (0x62:0x65:1820)\uFFFD", failure.Value);
        Assert.Equal("a\uFFFDb\U0001F600", Junit.JunitReport.Clean("a\u0001b\U0001F600"));
    }
}
