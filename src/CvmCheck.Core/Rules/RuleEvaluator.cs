using CvmCheck.Core.Facts;

namespace CvmCheck.Core.Rules;

/// <summary>
/// Judges facts against policies (DESIGN.md §3 "rule → finding"). Pure: facts and policies in,
/// findings out; nothing here reads the machine or runs anything.
/// </summary>
public static class RuleEvaluator
{
    private const string NotCollected = "(not collected)";

    public static IReadOnlyList<Finding> Evaluate(IEnumerable<Policy> policies, FactSet facts, EvaluationOptions options)
    {
        var findings = new List<Finding>();
        foreach (var policy in policies)
        {
            foreach (var rule in policy.Rules)
            {
                foreach (var finding in EvaluateRule(rule, facts, options))
                {
                    findings.Add(ApplyWaiver(finding with { Policy = policy.Name, Position = rule.Position }, policy.Waivers, options));
                }
            }
        }

        return findings;
    }

    public static IEnumerable<Finding> EvaluateRule(Rule rule, FactSet facts, EvaluationOptions options)
    {
        var failing = rule.Severity >= options.FailOn ? FindingStatus.Fail : FindingStatus.Warn;
        if (rule.When is not null && !rule.When.Holds(facts))
        {
            yield return Base(rule, "system") with
            {
                Status = rule.IsPredictive ? FindingStatus.Pass : FindingStatus.Skip,
                Note = rule.IsPredictive ? "conditions for the predicted failure are not present" : "skipped: its 'when' guard does not hold",
                Evidence = GuardEvidence(rule.When, facts),
                Actual = rule.IsPredictive ? DescribeGuardFacts(rule.When, facts) : null,
            };
            yield break;
        }

        if (rule.IsPredictive)
        {
            yield return Base(rule, "system") with
            {
                Status = failing,
                Actual = rule.When is null ? "always" : DescribeGuardFacts(rule.When, facts),
                Evidence = rule.When is null ? [] : GuardEvidence(rule.When, facts),
                Note = rule.Predicts is null ? null : "predicts " + rule.Predicts,
            };
            yield break;
        }

        var resolved = FactSelection.Resolve(rule.Fact!, facts);
        if (resolved.Count == 0)
        {
            var count = facts.Get(FactNames.GpuCount);
            yield return Base(rule, "system") with
            {
                Status = rule.Optional ? FindingStatus.Skip : failing,
                Actual = "no GPU found",
                Evidence = EvidenceOf(count),
                Note = count.Value is null ? count.Reason : null,
            };
            yield break;
        }

        foreach (var fact in resolved)
        {
            yield return JudgeFact(rule, fact, failing);
        }
    }

    private static Finding JudgeFact(Rule rule, Fact fact, FindingStatus failing)
    {
        var finding = Base(rule, FactSelection.SubjectOf(fact.Name)) with { Fact = fact.Name, Evidence = EvidenceOf(fact) };
        if (fact.Value is null && !rule.Tests.All(t => t.DecidesNull))
        {
            if (fact.IsAbsent)
            {
                return finding with
                {
                    Status = rule.Optional ? FindingStatus.Skip : failing,
                    Actual = fact.Reason == FactReasons.NotFound ? "absent (program not found)" : "absent",
                    Note = rule.Optional ? "skipped: optional fact is absent" : null,
                };
            }

            return finding with { Status = FindingStatus.Error, Actual = null, Note = fact.Reason };
        }

        var holds = fact.Value is null
            ? rule.Tests.All(t => t is ExistsTest { ShouldExist: false })
            : rule.Tests.All(t => t.Holds(fact.Value));
        return finding with
        {
            Status = holds ? FindingStatus.Pass : failing,
            Actual = fact.ValueText ?? "absent",
        };
    }

    private static Finding ApplyWaiver(Finding finding, IReadOnlyList<Waiver> waivers, EvaluationOptions options)
    {
        var waiver = waivers.FirstOrDefault(w => w.Rule == finding.Id && (w.Subject is null || w.Subject == finding.Subject));
        if (waiver is null || finding.Status is FindingStatus.Pass or FindingStatus.Skip)
        {
            return finding;
        }

        return waiver.Expires < options.Today
            ? finding with { Status = FindingStatus.Fail, Waiver = waiver, Note = $"waiver expired on {waiver.Expires:yyyy-MM-dd} (approved by {waiver.Approver})" }
            : finding with { Status = FindingStatus.Waived, Waiver = waiver, Note = $"waived until {waiver.Expires:yyyy-MM-dd} by {waiver.Approver}: {waiver.Reason}" };
    }

    private static Finding Base(Rule rule, string subject) => new()
    {
        Id = rule.Id,
        Subject = subject,
        Status = FindingStatus.Pass,
        Severity = rule.Severity,
        Title = rule.Title,
        Expected = rule.Expected,
        Remediation = rule.Remediation,
        References = rule.References,
        Fact = rule.Fact,
        Predicts = rule.Predicts,
    };

    /// <summary>Evidence for a fact: where its value came from, else every artifact consulted.</summary>
    public static IReadOnlyList<Evidence> EvidenceOf(Fact fact)
    {
        if (fact.Artifact is not null && fact.Value is not null)
        {
            return [new Evidence(fact.Artifact, fact.Line)];
        }

        var consulted = fact.Consulted.Count > 0 ? fact.Consulted : fact.Artifact is null ? [] : [fact.Artifact];
        return consulted.Count > 0
            ? consulted.Select(a => new Evidence(a, null)).ToArray()
            : [new Evidence(NotCollected + " " + fact.Name, null)];
    }

    private static IReadOnlyList<Evidence> GuardEvidence(Condition guard, FactSet facts) =>
        guard.FactNamesUsed.Distinct(StringComparer.Ordinal)
            .SelectMany(n => FactSelection.Resolve(n, facts))
            .SelectMany(EvidenceOf)
            .Distinct()
            .ToArray();

    private static string DescribeGuardFacts(Condition guard, FactSet facts) =>
        string.Join(", ", guard.FactNamesUsed.Distinct(StringComparer.Ordinal)
            .SelectMany(n => FactSelection.Resolve(n, facts))
            .Select(f => $"{f.Name}={f.ValueText ?? f.Reason ?? "absent"}"));
}
