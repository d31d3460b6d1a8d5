using System.Text;
using CvmCheck.Core.Reports;

namespace CvmCheck.Reporting;

/// <summary>The report formats of <c>check</c>, by name (DESIGN.md §3 <c>--format FMT[:FILE]</c>).</summary>
public static class ReportFormats
{
    private static readonly Dictionary<string, Action<Stream, CheckReport, bool>> Writers = new(StringComparer.Ordinal)
    {
        ["text"] = (s, r, colour) =>
        {
            using var w = new StreamWriter(s, new UTF8Encoding(false), leaveOpen: true);
            TextReport.Write(w, r, colour);
        },
        ["json"] = (s, r, _) => JsonReport.Write(s, r),
        ["junit"] = (s, r, _) => Junit.JunitReport.Write(s, r),
        ["sarif"] = (s, r, _) => Sarif.SarifReport.Write(s, r),
        ["prometheus"] = (s, r, _) => Prometheus.PrometheusReport.Write(s, r),
        ["nfd"] = (s, r, _) => Nfd.NfdFeatureFile.Write(s, r),
    };

    public static IReadOnlyCollection<string> Names => Writers.Keys;

    public static bool IsKnown(string name) => Writers.ContainsKey(name);

    public static void Write(string format, Stream output, CheckReport report, bool colour = false) => Writers[format](output, report, colour);

    /// <summary>Lets another part of the project add a format (JUnit, SARIF, Prometheus) in its own file.</summary>
    public static void Register(string name, Action<Stream, CheckReport, bool> writer) => Writers[name] = writer;
}
