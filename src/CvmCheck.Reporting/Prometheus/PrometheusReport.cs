using System.Globalization;
using System.Text;
using CvmCheck.Core.Facts;
using CvmCheck.Core.Reports;
using CvmCheck.Core.Rules;

namespace CvmCheck.Reporting.Prometheus;

/// <summary>
/// The <c>check</c> report in the Prometheus text exposition format, for node_exporter's textfile
/// collector (DESIGN.md §3 metric names). Status encoding, shared by every status metric:
/// 0 pass/skip/waived, 1 warn, 2 fail, 3 error. Every series of a metric has the same label names;
/// a waived finding reads 0 with <c>waived="true"</c> so a dashboard can still show what is waived.
/// The CLI writes the file atomically (temp + rename), as the textfile collector requires.
/// </summary>
public static class PrometheusReport
{
    public const string CheckStatus = "cvmcheck_check_status";
    public const string VerdictMetric = "cvmcheck_verdict";
    public const string GpuCcMode = "cvmcheck_gpu_cc_mode";
    public const string GpuCount = "cvmcheck_gpu_count";
    public const string TdxGuest = "cvmcheck_tdx_guest";
    public const string Diagnosis = "cvmcheck_diagnosis";
    public const string LastRun = "cvmcheck_last_run_timestamp_seconds";

    public static int StatusValue(FindingStatus status) => status switch
    {
        FindingStatus.Warn => 1,
        FindingStatus.Fail => 2,
        FindingStatus.Error => 3,
        _ => 0,
    };

    public static int VerdictValue(Verdict verdict) => verdict switch
    {
        Verdict.Warn => 1,
        Verdict.Fail => 2,
        Verdict.Error => 3,
        _ => 0,
    };

    public static void Write(Stream output, CheckReport report)
    {
        using var w = new StreamWriter(output, new UTF8Encoding(false), leaveOpen: true) { NewLine = "\n" };

        Header(w, CheckStatus, "Result of one policy rule for one subject: 0 pass/skip/waived, 1 warn, 2 fail, 3 error.");
        // The same rule id may come from two policies; the textfile collector rejects duplicate
        // series, so the policy is a label too and the worst status wins should a pair still repeat.
        var series = report.Findings
            .GroupBy(f => (f.Policy, f.Id, f.Subject))
            .Select(g => g.OrderByDescending(f => StatusValue(f.Status)).First());
        foreach (var f in series)
        {
            Sample(w, CheckStatus, [
                ("rule", f.Id), ("subject", f.Subject), ("severity", f.Severity.ToName()),
                ("waived", f.Status == FindingStatus.Waived ? "true" : "false"), ("policy", f.Policy)], StatusValue(f.Status));
        }

        Header(w, VerdictMetric, "Overall verdict of the last check: 0 pass, 1 warn, 2 fail, 3 error.");
        Sample(w, VerdictMetric, [], VerdictValue(report.Verdict));

        if (report.Diagnoses.Count > 0)
        {
            Header(w, Diagnosis, "A known failure signature was found in the kernel log (1 per diagnosis).");
            foreach (var d in report.Diagnoses.DistinctBy(d => d.Id))
            {
                Sample(w, Diagnosis, [("id", d.Id), ("severity", d.Severity.ToName())], 1);
            }
        }

        var facts = report.Facts;
        if (facts.Get(FactNames.TdxGuestDetected).Value is bool tdx)
        {
            Header(w, TdxGuest, "1 when this machine is an Intel TDX guest, else 0.");
            Sample(w, TdxGuest, [], tdx ? 1 : 0);
        }

        if (facts.Get(FactNames.GpuCount).Value is long gpus)
        {
            Header(w, GpuCount, "Number of NVIDIA GPUs seen.");
            Sample(w, GpuCount, [], gpus);
            var modes = Enumerable.Range(0, (int)Math.Min(gpus, 1024))
                .Select(i => (Index: i, Mode: facts.Get(FactNames.ForGpu(i, FactNames.Gpu.CcMode)).Value as string))
                .Where(x => x.Mode is not null)
                .ToList();
            if (modes.Count > 0)
            {
                Header(w, GpuCcMode, "1 when the GPU's confidential computing mode is on, else 0 (off or devtools).");
                foreach (var (index, mode) in modes)
                {
                    Sample(w, GpuCcMode, [("gpu", index.ToString(CultureInfo.InvariantCulture)), ("mode", mode!)], mode == "on" ? 1 : 0);
                }
            }
        }

        Header(w, LastRun, "Unix time of the last check run.");
        Sample(w, LastRun, [], report.Timestamp.ToUnixTimeSeconds());
    }

    private static void Header(TextWriter w, string metric, string help)
    {
        w.Write("# HELP ");
        w.Write(metric);
        w.Write(' ');
        w.WriteLine(EscapeHelp(help));
        w.Write("# TYPE ");
        w.Write(metric);
        w.WriteLine(" gauge");
    }

    private static void Sample(TextWriter w, string metric, (string Name, string Value)[] labels, long value)
    {
        w.Write(metric);
        if (labels.Length > 0)
        {
            w.Write('{');
            for (var i = 0; i < labels.Length; i++)
            {
                if (i > 0)
                {
                    w.Write(',');
                }

                w.Write(labels[i].Name);
                w.Write("=\"");
                w.Write(EscapeLabelValue(labels[i].Value));
                w.Write('"');
            }

            w.Write('}');
        }

        w.Write(' ');
        w.WriteLine(value.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>Exposition format: in a label value, backslash, double quote and line feed are escaped.</summary>
    public static string EscapeLabelValue(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    /// <summary>Exposition format: in HELP text, backslash and line feed are escaped.</summary>
    public static string EscapeHelp(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
