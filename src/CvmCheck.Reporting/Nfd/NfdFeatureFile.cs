using System.Globalization;
using System.Text;
using CvmCheck.Core.Facts;
using CvmCheck.Core.Reports;
using CvmCheck.Core.Rules;

namespace CvmCheck.Reporting.Nfd;

/// <summary>
/// A Node Feature Discovery feature file (the <c>local</c> source reads
/// <c>/etc/kubernetes/node-feature-discovery/features.d/*</c>, one <c>name=value</c> per line) so a
/// scheduler can place CC workloads only on nodes that passed. Every label is derived from this run's
/// own facts and verdict — never copied from GPU operator labels, which describe what was requested,
/// not what this guest measured. An <c>expiry-time</c> directive makes NFD drop the labels when the
/// periodic check stops refreshing them, so a stale <c>verdict=pass</c> cannot outlive its evidence.
/// </summary>
public static class NfdFeatureFile
{
    public const string Prefix = "cvmcheck.io/";

    /// <summary>How long NFD keeps the labels after the run that wrote them.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    public static void Write(Stream output, CheckReport report)
    {
        using var w = new StreamWriter(output, new UTF8Encoding(false), leaveOpen: true) { NewLine = "\n" };
        var expiry = report.Timestamp.ToUniversalTime().Add(Lifetime).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        w.WriteLine("# written by cvmcheck check --format nfd; do not edit");
        w.WriteLine("# +expiry-time=" + expiry);
        foreach (var (name, value) in Labels(report))
        {
            w.WriteLine($"{Prefix}{name}={value}");
        }
    }

    /// <summary>The labels, without prefix, in a fixed order.</summary>
    public static IReadOnlyList<(string Name, string Value)> Labels(CheckReport report)
    {
        var facts = report.Facts;
        var tdx = facts.Get(FactNames.TdxGuestDetected).Value is true;
        var gpuCount = facts.Get(FactNames.GpuCount).Value is long n ? n : 0;
        var ccReady = gpuCount > 0 && Enumerable.Range(0, (int)Math.Min(gpuCount, 1024)).All(i =>
            facts.Get(FactNames.ForGpu(i, FactNames.Gpu.CcMode)).Value is "on"
            && facts.Get(FactNames.ForGpu(i, FactNames.Gpu.CcReady)).Value is true);
        return
        [
            ("tdx", tdx ? "true" : "false"),
            ("gpu-cc-ready", ccReady ? "true" : "false"),
            ("gpu-count", gpuCount.ToString(CultureInfo.InvariantCulture)),
            ("verdict", report.Verdict.ToName()),
        ];
    }
}
