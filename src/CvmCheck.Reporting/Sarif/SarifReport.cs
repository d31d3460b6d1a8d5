using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CvmCheck.Core.Reports;
using CvmCheck.Core.Rules;

namespace CvmCheck.Reporting.Sarif;

/// <summary>
/// The <c>check</c> report as SARIF 2.1.0 (OASIS static analysis results interchange format), for
/// code-scanning dashboards. Rules come from the findings (shortDescription = title, help =
/// remediation, defaultConfiguration.level from severity); a result is written for every finding that
/// is not pass or skip — so an alert closes when its rule passes again — and for every diagnosis.
/// <c>partialFingerprints</c> hash rule id and subject only, so re-running on the same host updates
/// the same alert instead of opening a new one. Waived findings carry an accepted external suppression.
/// Locations are evidence artifacts relative to <see cref="SourceRootId"/>: the snapshot root
/// (or <c>/</c> on a live host).
/// </summary>
public static class SarifReport
{
    public const string Version = "2.1.0";
    public const string SchemaUri = "https://json.schemastore.org/sarif-2.1.0.json";
    public const string SourceRootId = "%SRCROOT%";
    public const string FingerprintKey = "cvmcheckRuleSubject/v1";
    public const string ToolName = "cvmcheck";

    /// <summary>SARIF <c>level</c> values (§3.27.10) this writer may produce.</summary>
    public static readonly string[] Levels = ["none", "note", "warning", "error"];

    public static void Write(Stream output, CheckReport report)
    {
        using var w = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        var rules = CollectRules(report);
        var ruleIndex = rules.Select((r, i) => (r.Id, i)).ToDictionary(x => x.Id, x => x.i, StringComparer.Ordinal);

        w.WriteStartObject();
        w.WriteString("$schema", SchemaUri);
        w.WriteString("version", Version);
        w.WriteStartArray("runs");
        w.WriteStartObject();

        w.WriteStartObject("tool");
        w.WriteStartObject("driver");
        w.WriteString("name", ToolName);
        w.WriteString("semanticVersion", ToolVersion);
        w.WriteStartArray("rules");
        foreach (var rule in rules)
        {
            WriteRule(w, rule);
        }

        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();

        w.WriteStartArray("invocations");
        w.WriteStartObject();
        w.WriteBoolean("executionSuccessful", true);
        w.WriteString("endTimeUtc", report.Timestamp.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
        w.WriteStartObject("properties");
        w.WriteString("verdict", report.Verdict.ToName());
        w.WriteString("source", report.Source);
        w.WriteString("failOn", report.FailOn.ToName());
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndArray();

        w.WriteStartArray("results");
        foreach (var f in report.Findings.Where(f => f.Status is not (FindingStatus.Pass or FindingStatus.Skip)))
        {
            WriteFindingResult(w, f, ruleIndex[f.Id]);
        }

        foreach (var d in report.Diagnoses)
        {
            WriteDiagnosisResult(w, d, ruleIndex[d.Id], report.FailOn);
        }

        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>SARIF level for a rule's default configuration: critical and high are errors, medium a
    /// warning, low and info notes.</summary>
    public static string LevelOf(Severity severity) => severity switch
    {
        Severity.Critical or Severity.High => "error",
        Severity.Medium => "warning",
        _ => "note",
    };

    /// <summary>The number GitHub code scanning reads to rank security alerts (0.0–10.0).</summary>
    public static string SecuritySeverityOf(Severity severity) => severity switch
    {
        Severity.Critical => "9.5",
        Severity.High => "8.0",
        Severity.Medium => "5.5",
        Severity.Low => "3.0",
        _ => "0.0",
    };

    /// <summary>Stable identity of an alert: the same rule on the same subject is the same alert on
    /// every run, whatever the actual value or message.</summary>
    public static string Fingerprint(string ruleId, string subject)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(ruleId + "\n" + subject));
        return Convert.ToHexStringLower(hash.AsSpan(0, 16));
    }

    private static string ToolVersion =>
        typeof(SarifReport).Assembly.GetName().Version is { } v ? $"{v.Major}.{v.Minor}.{v.Build}" : "0.0.0";

    private sealed record SarifRule(string Id, string Title, string Help, Severity Severity, IReadOnlyList<string> References, string Kind);

    private static List<SarifRule> CollectRules(CheckReport report)
    {
        var rules = new List<SarifRule>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var f in report.Findings)
        {
            if (seen.Add(f.Id))
            {
                rules.Add(new SarifRule(f.Id, f.Title, f.Remediation.Trim(), f.Severity, f.References, f.Predicts is null ? "check" : "predictive"));
            }
        }

        foreach (var d in report.Diagnoses)
        {
            if (seen.Add(d.Id))
            {
                rules.Add(new SarifRule(d.Id, d.Title, d.Remediation.Trim(), d.Severity, d.References, "diagnosis"));
            }
        }

        return rules;
    }

    private static void WriteRule(Utf8JsonWriter w, SarifRule rule)
    {
        w.WriteStartObject();
        w.WriteString("id", rule.Id);
        w.WriteString("name", RuleName(rule.Id));
        w.WriteStartObject("shortDescription");
        w.WriteString("text", rule.Title);
        w.WriteEndObject();
        w.WriteStartObject("fullDescription");
        w.WriteString("text", rule.Title);
        w.WriteEndObject();
        w.WriteStartObject("help");
        w.WriteString("text", rule.Help.Length > 0 ? rule.Help : rule.Title);
        w.WriteEndObject();
        if (rule.References.FirstOrDefault(r => r.StartsWith("https://", StringComparison.Ordinal)) is { } helpUri)
        {
            w.WriteString("helpUri", helpUri);
        }

        w.WriteStartObject("defaultConfiguration");
        w.WriteString("level", LevelOf(rule.Severity));
        w.WriteEndObject();
        w.WriteStartObject("properties");
        w.WriteString("severity", rule.Severity.ToName());
        w.WriteString("security-severity", SecuritySeverityOf(rule.Severity));
        w.WriteStartArray("tags");
        w.WriteStringValue("security");
        w.WriteStringValue("cvmcheck");
        w.WriteStringValue(rule.Kind);
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteFindingResult(Utf8JsonWriter w, Finding f, int ruleIndex)
    {
        w.WriteStartObject();
        w.WriteString("ruleId", f.Id);
        w.WriteNumber("ruleIndex", ruleIndex);
        w.WriteString("level", f.Status switch
        {
            FindingStatus.Fail or FindingStatus.Error => "error",
            FindingStatus.Warn => "warning",
            _ => LevelOf(f.Severity),
        });
        w.WriteStartObject("message");
        var subject = f.Subject == "system" ? string.Empty : $" [{f.Subject}]";
        var status = f.Status == FindingStatus.Error ? "could not be established" : $"expected {f.Expected ?? "-"}, actual {f.Actual ?? "unknown"}";
        w.WriteString("text", $"{f.Title}{subject}: {status}" + (f.Note is null ? string.Empty : $" ({f.Note})"));
        w.WriteEndObject();
        WriteLocations(w, f.Evidence);
        WriteFingerprint(w, f.Id, f.Subject);
        if (f.Status == FindingStatus.Waived)
        {
            w.WriteStartArray("suppressions");
            w.WriteStartObject();
            w.WriteString("kind", "external");
            w.WriteString("status", "accepted");
            var waiver = f.Waiver;
            w.WriteString("justification", waiver is null ? f.Note ?? "waived" : $"{waiver.Reason} (approved by {waiver.Approver}, expires {waiver.Expires.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)})");
            w.WriteEndObject();
            w.WriteEndArray();
        }

        w.WriteStartObject("properties");
        w.WriteString("subject", f.Subject);
        w.WriteString("status", f.Status.ToName());
        w.WriteString("severity", f.Severity.ToName());
        if (f.Fact is not null)
        {
            w.WriteString("fact", f.Fact);
        }

        if (f.Expected is not null)
        {
            w.WriteString("expected", f.Expected);
        }

        if (f.Actual is not null)
        {
            w.WriteString("actual", f.Actual);
        }

        w.WriteString("policy", f.Policy);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteDiagnosisResult(Utf8JsonWriter w, Core.Diagnosis.Diagnosis d, int ruleIndex, Severity failOn)
    {
        w.WriteStartObject();
        w.WriteString("ruleId", d.Id);
        w.WriteNumber("ruleIndex", ruleIndex);
        w.WriteString("level", d.Severity >= failOn ? "error" : LevelOf(d.Severity) == "error" ? "warning" : LevelOf(d.Severity));
        w.WriteStartObject("message");
        w.WriteString("text", $"{d.Title} (confidence {d.Confidence})" + (d.Explanation.Length > 0 ? ": " + d.Explanation.Trim() : string.Empty));
        w.WriteEndObject();
        WriteLocations(w, d.Evidence);
        WriteFingerprint(w, d.Id, "system");
        w.WriteStartObject("properties");
        w.WriteString("severity", d.Severity.ToName());
        w.WriteString("confidence", d.Confidence);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteFingerprint(Utf8JsonWriter w, string ruleId, string subject)
    {
        w.WriteStartObject("partialFingerprints");
        w.WriteString(FingerprintKey, Fingerprint(ruleId, subject));
        w.WriteEndObject();
    }

    private static void WriteLocations(Utf8JsonWriter w, IReadOnlyList<Evidence> evidence)
    {
        w.WriteStartArray("locations");
        foreach (var e in evidence.DistinctBy(e => (e.Artifact, e.Line)).Take(10))
        {
            if (ArtifactUri(e.Artifact) is not { } uri)
            {
                continue;
            }

            w.WriteStartObject();
            w.WriteStartObject("physicalLocation");
            w.WriteStartObject("artifactLocation");
            w.WriteString("uri", uri);
            w.WriteString("uriBaseId", SourceRootId);
            w.WriteEndObject();
            if (e.Line is int line and > 0)
            {
                w.WriteStartObject("region");
                w.WriteNumber("startLine", line);
                w.WriteEndObject();
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    /// <summary>A relative URI reference for a snapshot-relative artifact path, each segment
    /// percent-encoded; null for something that is not a relative path (a placeholder text).</summary>
    internal static string? ArtifactUri(string artifact)
    {
        var path = artifact.TrimStart('/');
        if (path.Length == 0 || path.StartsWith('('))
        {
            return null;
        }

        return string.Join('/', path.Split('/').Select(Uri.EscapeDataString));
    }

    /// <summary><c>gpu.cc.mode</c> → <c>GpuCcMode</c>: SARIF's optional human-readable rule name.</summary>
    private static string RuleName(string id)
    {
        var sb = new StringBuilder(id.Length);
        var upper = true;
        foreach (var c in id)
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                sb.Append(upper ? char.ToUpperInvariant(c) : c);
                upper = false;
            }
            else
            {
                upper = true;
            }
        }

        return sb.ToString();
    }
}
