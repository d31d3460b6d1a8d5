using System.Text.Json;
using CvmCheck.Cli.Commands;
using CvmCheck.Core.Facts;
using CvmCheck.Core.Rules;
using CvmCheck.Reporting;
using RulePolicy = CvmCheck.Core.Rules.Policy;

namespace CvmCheck.Cli.Attest;

/// <summary>
/// Attestation appraisal by a YAML policy (<c>attest … --policy FILE</c>): the verifier's claims become
/// facts and the same engine as <c>check</c> judges them. A policy decides what is acceptable about
/// a genuine piece of evidence (TCB status, debug, measurements); it can never make evidence that
/// failed its signature or chain checks pass — the caller keeps those failures.
/// </summary>
internal sealed class PolicyAppraisal
{
    private PolicyAppraisal(IReadOnlyList<string> policies, IReadOnlyList<Finding> findings)
    {
        Policies = policies;
        Findings = findings;
        Verdict = VerdictRules.Of(findings.Select(f => f.Status));
    }

    public IReadOnlyList<string> Policies { get; }

    public IReadOnlyList<Finding> Findings { get; }

    public Core.Rules.Verdict Verdict { get; }

    /// <summary>Loads the policy up front so a bad policy is exit 2 before any verification runs.</summary>
    public static IReadOnlyList<RulePolicy>? Load(string? path) => path is null ? null : CheckCommand.LoadPolicies([path]);

    public static PolicyAppraisal Evaluate(IReadOnlyList<RulePolicy> policies, IEnumerable<KeyValuePair<string, object?>> claims, string artifact)
    {
        var facts = new FactSet();
        foreach (var (name, value) in claims)
        {
            facts.Add(value is null ? Fact.Unavailable(name, FactReasons.Absent, artifact) : Fact.Of(name, value, artifact));
        }

        var findings = RuleEvaluator.Evaluate(policies, facts, new EvaluationOptions());
        return new PolicyAppraisal(policies.Select(p => p.Name).ToArray(), findings);
    }

    /// <summary>The combined verdict name: evidence that is not genuine fails whatever the policy says;
    /// otherwise the policy's verdict (an error — a fact it needs is missing — fails closed).</summary>
    public string CombinedVerdict(bool evidenceGenuine) =>
        !evidenceGenuine ? "fail" : Verdict switch
        {
            Core.Rules.Verdict.Pass => "pass",
            Core.Rules.Verdict.Warn => "warn",
            _ => "fail",
        };

    public void WriteJson(Utf8JsonWriter w)
    {
        w.WriteStartObject("appraisal");
        w.WriteStartArray("policies");
        foreach (var p in Policies)
        {
            w.WriteStringValue(p);
        }

        w.WriteEndArray();
        w.WriteString("verdict", Verdict.ToName());
        w.WriteStartArray("findings");
        foreach (var f in Findings)
        {
            JsonReport.WriteFinding(w, f);
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    public void WriteText(TextWriter output)
    {
        output.WriteLine($"appraisal by {string.Join(", ", Policies)}: {Verdict.ToName()}");
        foreach (var f in Findings)
        {
            output.WriteLine($"  {f.Status.ToName(),-6} {f.Id}: {f.Title} (expected {f.Expected}, actual {f.Actual ?? f.Note ?? "absent"})");
        }
    }
}
