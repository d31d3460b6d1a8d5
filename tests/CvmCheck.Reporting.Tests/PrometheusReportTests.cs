using System.Text.RegularExpressions;
using CvmCheck.Core.Rules;
using CvmCheck.Reporting.Prometheus;

namespace CvmCheck.Reporting.Tests;

/// <summary>The textfile-collector output: exposition syntax, DESIGN.md §3 metric names and encodings.</summary>
public sealed partial class PrometheusReportTests
{
    private static readonly string Text = SampleReports.Render("prometheus", SampleReports.Mixed());

    private static IEnumerable<string> Samples => Text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith('#'));

    [Fact]
    public void Every_line_is_a_comment_or_a_sample_in_exposition_syntax_and_metrics_are_declared_before_use()
    {
        var declared = new HashSet<string>();
        foreach (var line in Text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ');
                Assert.Equal("gauge", parts[3]);
                Assert.True(declared.Add(parts[2]), $"{parts[2]} declared twice");
                continue;
            }

            if (line.StartsWith("# HELP ", StringComparison.Ordinal))
            {
                continue;
            }

            var match = SampleLine().Match(line);
            Assert.True(match.Success, $"not a sample line: {line}");
            Assert.Contains(match.Groups["name"].Value, declared);
        }

        Assert.EndsWith("\n", Text);
    }

    [Fact]
    public void No_series_repeats_because_the_textfile_collector_rejects_duplicates()
    {
        var series = Samples.Select(l => l[..l.LastIndexOf(' ')]).ToList();
        Assert.Equal(series.Count, series.Distinct().Count());
    }

    [Fact]
    public void Check_status_encodes_pass_skip_and_waived_as_0_warn_1_fail_2_error_3()
    {
        Assert.Contains("cvmcheck_check_status{rule=\"gpu.cc.mode\",subject=\"gpu[0]\",severity=\"critical\",waived=\"false\",policy=\"h100-tdx-cc-production\"} 0", Samples);
        Assert.Contains("cvmcheck_check_status{rule=\"gpu.cc.mode\",subject=\"gpu[1]\",severity=\"critical\",waived=\"false\",policy=\"h100-tdx-cc-production\"} 2", Samples);
        Assert.Contains("cvmcheck_check_status{rule=\"tdx.td.no-debug\",subject=\"system\",severity=\"critical\",waived=\"false\",policy=\"h100-tdx-cc-production\"} 0", Samples);
        Assert.Contains("cvmcheck_check_status{rule=\"nvidia.persistenced.active\",subject=\"system\",severity=\"low\",waived=\"false\",policy=\"baseline\"} 1", Samples);
        Assert.Contains("cvmcheck_check_status{rule=\"kernel.swiotlb\",subject=\"system\",severity=\"high\",waived=\"false\",policy=\"baseline\"} 3", Samples);
        Assert.Contains("cvmcheck_check_status{rule=\"gpu.persistence\",subject=\"gpu[1]\",severity=\"medium\",waived=\"true\",policy=\"baseline\"} 0", Samples);
        Assert.Contains("cvmcheck_check_status{rule=\"platform.uefi\",subject=\"system\",severity=\"high\",waived=\"false\",policy=\"h100-tdx-cc-production\"} 2", Samples);
    }

    [Fact]
    public void Verdict_tdx_guest_gpu_cc_mode_and_timestamp_are_exported()
    {
        Assert.Contains("cvmcheck_verdict 2", Samples);
        Assert.Contains("cvmcheck_tdx_guest 1", Samples);
        Assert.Contains("cvmcheck_gpu_cc_mode{gpu=\"0\",mode=\"on\"} 1", Samples);
        Assert.Contains("cvmcheck_gpu_cc_mode{gpu=\"1\",mode=\"off\"} 0", Samples);
        Assert.Contains($"cvmcheck_last_run_timestamp_seconds {SampleReports.Timestamp.ToUnixTimeSeconds()}", Samples);
    }

    [Theory]
    [InlineData(Verdict.Pass, 0)]
    [InlineData(Verdict.Warn, 1)]
    [InlineData(Verdict.Fail, 2)]
    [InlineData(Verdict.Error, 3)]
    public void Verdict_uses_the_status_encoding(Verdict verdict, int value) =>
        Assert.Equal(value, PrometheusReport.VerdictValue(verdict));

    [Fact]
    public void Label_values_escape_backslash_quote_and_newline()
    {
        Assert.Equal("a\\\\b\\\"c\\nd", PrometheusReport.EscapeLabelValue("a\\b\"c\nd"));
        var report = SampleReports.Passing() with
        {
            Findings = [SampleReports.Passing().Findings[0] with { Id = "odd\"rule", Subject = "line\nbreak" }],
        };
        var text = SampleReports.Render("prometheus", report);
        Assert.Contains("rule=\"odd\\\"rule\",subject=\"line\\nbreak\"", text);
    }

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\[\\"n])*")(,[a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\[\\"n])*")*\})? -?[0-9]+(\.[0-9]+)?$""")]
    private static partial Regex SampleLine();
}
