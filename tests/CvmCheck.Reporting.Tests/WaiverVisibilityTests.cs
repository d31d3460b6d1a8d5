using System.Text.Json;

namespace CvmCheck.Reporting.Tests;

/// <summary>A waived finding stays visible in every format, with its reason, and an expired waiver fails.</summary>
public sealed class WaiverVisibilityTests
{
    private const string Reason = "GPU 1 is reserved for a burn-in test";

    [Fact]
    public void Text_report_lists_the_waived_finding_with_its_reason()
    {
        var text = SampleReports.Render("text", SampleReports.Mixed());
        Assert.Contains("WAIVED (1)", text);
        Assert.Contains(Reason, text);
        Assert.Contains("waiver expired on 2020-01-31", text);
    }

    [Fact]
    public void Json_report_gives_the_waived_finding_status_waived_and_the_waiver_object()
    {
        var findings = JsonDocument.Parse(SampleReports.Render("json", SampleReports.Mixed())).RootElement.GetProperty("findings").EnumerateArray().ToList();
        var waived = findings.Single(f => f.GetProperty("id").GetString() == "gpu.persistence");
        Assert.Equal("waived", waived.GetProperty("status").GetString());
        Assert.Equal(Reason, waived.GetProperty("waiver").GetProperty("reason").GetString());
        Assert.Equal("fail", findings.Single(f => f.GetProperty("id").GetString() == "platform.uefi").GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("junit")]
    [InlineData("sarif")]
    public void Machine_formats_carry_the_waiver_reason(string format) =>
        Assert.Contains(Reason, SampleReports.Render(format, SampleReports.Mixed()));

    [Fact]
    public void Prometheus_reports_a_waived_finding_as_0_with_waived_true()
    {
        var text = SampleReports.Render("prometheus", SampleReports.Mixed());
        Assert.Contains("rule=\"gpu.persistence\",subject=\"gpu[1]\",severity=\"medium\",waived=\"true\",policy=\"baseline\"} 0\n", text);
    }
}
