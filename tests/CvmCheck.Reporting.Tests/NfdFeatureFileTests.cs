using CvmCheck.Core.Facts;

namespace CvmCheck.Reporting.Tests;

/// <summary>The Node Feature Discovery feature file: labels derived from this run's facts and verdict.</summary>
public sealed class NfdFeatureFileTests
{
    private static Dictionary<string, string> Labels(Core.Reports.CheckReport report) =>
        SampleReports.Render("nfd", report).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(l => !l.StartsWith('#'))
            .Select(l => l.Split('=', 2))
            .ToDictionary(p => p[0], p => p[1]);

    [Fact]
    public void Healthy_cc_node_is_labelled_tdx_true_gpu_cc_ready_true_verdict_pass()
    {
        var labels = Labels(SampleReports.Passing());
        Assert.Equal("true", labels["cvmcheck.io/tdx"]);
        Assert.Equal("true", labels["cvmcheck.io/gpu-cc-ready"]);
        Assert.Equal("pass", labels["cvmcheck.io/verdict"]);
        Assert.Equal("1", labels["cvmcheck.io/gpu-count"]);
    }

    [Fact]
    public void One_gpu_out_of_cc_mode_makes_the_node_not_cc_ready()
    {
        var labels = Labels(SampleReports.Mixed());
        Assert.Equal("false", labels["cvmcheck.io/gpu-cc-ready"]);
        Assert.Equal("fail", labels["cvmcheck.io/verdict"]);
    }

    [Fact]
    public void Node_without_gpus_or_facts_is_not_cc_ready_and_not_tdx()
    {
        var labels = Labels(SampleReports.Passing() with { Facts = new FactSet() });
        Assert.Equal("false", labels["cvmcheck.io/tdx"]);
        Assert.Equal("false", labels["cvmcheck.io/gpu-cc-ready"]);
        Assert.Equal("0", labels["cvmcheck.io/gpu-count"]);
    }

    [Fact]
    public void Labels_expire_an_hour_after_the_run_so_stale_results_do_not_linger()
    {
        var text = SampleReports.Render("nfd", SampleReports.Passing());
        Assert.Contains("# +expiry-time=2026-11-23T13:00:00Z\n", text);
    }
}
