using CsCheck;
using CvmCheck.Core.Facts;
using CvmCheck.Core.Rules;
using CvmCheck.Formats.Versions;

namespace CvmCheck.Core.Tests.Rules;

/// <summary>The rule → finding table of DESIGN.md §3, one operator and one status at a time.</summary>
public sealed class RuleEvaluatorTests
{
    private static readonly EvaluationOptions Options = new() { Today = new DateOnly(2026, 11, 23) };

    private static FactSet Facts(params Fact[] facts)
    {
        var set = new FactSet();
        set.AddRange(facts);
        return set;
    }

    private static Rule Check(string fact, FactTest test, Severity severity = Severity.High, bool optional = false, Condition? when = null) => new()
    {
        Id = "test.rule",
        Title = "test",
        Severity = severity,
        Fact = fact,
        Tests = [test],
        Optional = optional,
        When = when,
    };

    private static Finding One(Rule rule, FactSet facts) => Assert.Single(RuleEvaluator.EvaluateRule(rule, facts, Options));

    public static TheoryData<FactTest, object, bool> Operators => new()
    {
        { new EqualsTest("on"), "on", true },
        { new EqualsTest("on"), "off", false },
        { new EqualsTest("true"), true, true },
        { new EqualsTest("false"), true, false },
        { new EqualsTest("8"), 8L, true },
        { new EqualsTest("08"), 8L, true },
        { new InTest(["production", "simulation"]), "production", true },
        { new InTest(["production"]), "unavailable", false },
        { Matches("^NVIDIA H(100|200)"), "NVIDIA H100 80GB HBM3", true },
        { Matches("^NVIDIA H(100|200)"), "NVIDIA GB200", false },
        { new ExistsTest(true), "x", true },
        { new ExistsTest(false), "x", false },
        { new VersionTest(VersionRange.Parse(">=550.54.14")), "550.127.05", true },
        { new VersionTest(VersionRange.Parse(">=550.54.14")), "535.86.09", false },
        { new VersionTest(VersionRange.Parse(">=96.00.99.00.00")), "96.00.9D.00.02", true },
        { new VersionTest(VersionRange.Parse(">=6.10 <6.12")), "6.2.0-mvp10v1+8-generic", false },
        { new BoundTest("1", IsMinimum: true), 8L, true },
        { new BoundTest("1", IsMinimum: true), 0L, false },
        { new BoundTest("0", IsMinimum: false), 0L, true },
        { new BoundTest("565.57.01", IsMinimum: false), "565.57.01", true },
        { new BoundTest("565.57.01", IsMinimum: false), "570.86.15", false },
    };

    private static MatchesTest Matches(string pattern)
    {
        Assert.True(MatchesTest.TryCreate(pattern, out var t, out _));
        return t;
    }

    [Theory]
    [MemberData(nameof(Operators))]
    public void Each_operator_passes_or_fails_on_the_value(FactTest test, object value, bool passes)
    {
        var finding = One(Check("nvidia.driver.version", test), Facts(Fact.Of("nvidia.driver.version", value, "proc/driver/nvidia/version", 1)));
        Assert.Equal(passes ? FindingStatus.Pass : FindingStatus.Fail, finding.Status);
        Assert.Equal([new Evidence("proc/driver/nvidia/version", 1)], finding.Evidence);
        Assert.Equal(test.Expected, finding.Expected);
    }

    [Fact]
    public void An_absent_fact_fails_closed_and_names_what_was_consulted()
    {
        var finding = One(Check("nvidia.driver.version", new ExistsTest(true)), Facts(Fact.Absent("nvidia.driver.version", ["proc/driver/nvidia/version"])));
        Assert.Equal(FindingStatus.Fail, finding.Status);
        Assert.Equal("absent", finding.Actual);
        Assert.Equal([new Evidence("proc/driver/nvidia/version", null)], finding.Evidence);
    }

    [Fact]
    public void An_absent_fact_of_an_optional_rule_is_skipped()
    {
        var finding = One(Check("nvidia.persistenced.active", new EqualsTest("true"), optional: true), Facts());
        Assert.Equal(FindingStatus.Skip, finding.Status);
    }

    [Theory]
    [InlineData("timeout")]
    [InlineData("unreadable: permission denied")]
    [InlineData("unparseable: not well-formed XML at line 3")]
    [InlineData("exit 9")]
    public void A_fact_that_could_not_be_established_is_an_error(string reason)
    {
        var finding = One(Check("gpu.count", new BoundTest("1", true)), Facts(Fact.Unavailable("gpu.count", reason, "commands/nvidia-smi_-q_-x.out")));
        Assert.Equal(FindingStatus.Error, finding.Status);
        Assert.Equal(reason, finding.Note);
        Assert.NotEmpty(finding.Evidence);
    }

    [Fact]
    public void Exists_false_passes_on_an_absent_fact()
    {
        var finding = One(Check("tdx.td.debug", new ExistsTest(false)), Facts());
        Assert.Equal(FindingStatus.Pass, finding.Status);
    }

    [Fact]
    public void Gpu_star_gives_one_finding_per_gpu_with_its_subject()
    {
        var facts = Facts(
            Fact.Of(FactNames.GpuCount, 2L, "x"),
            Fact.Of("gpu[0].cc.mode", "on", "commands/nvidia-smi_conf-compute_-f.out", 1),
            Fact.Of("gpu[1].cc.mode", "off", "commands/nvidia-smi_conf-compute_-f.out", 1));
        var findings = RuleEvaluator.EvaluateRule(Check("gpu[*].cc.mode", new EqualsTest("on")), facts, Options).ToList();
        Assert.Equal(["gpu[0]", "gpu[1]"], findings.Select(f => f.Subject));
        Assert.Equal([FindingStatus.Pass, FindingStatus.Fail], findings.Select(f => f.Status));
        Assert.Equal("off", findings[1].Actual);
    }

    [Fact]
    public void Gpu_star_matching_no_gpu_fails()
    {
        var finding = One(Check("gpu[*].cc.mode", new EqualsTest("on")), Facts(Fact.Of(FactNames.GpuCount, 0L, "commands/nvidia-smi_-q_-x.out")));
        Assert.Equal(FindingStatus.Fail, finding.Status);
        Assert.Equal("no GPU found", finding.Actual);
        Assert.Equal("commands/nvidia-smi_-q_-x.out", finding.Evidence[0].Artifact);
    }

    [Fact]
    public void A_false_when_guard_skips_the_rule()
    {
        var guard = new FactCondition("tdx.td.debug", [new ExistsTest(true)], SourcePosition.None);
        var finding = One(Check("tdx.td.debug", new EqualsTest("false"), when: guard), Facts());
        Assert.Equal(FindingStatus.Skip, finding.Status);
    }

    [Fact]
    public void Failing_rules_below_fail_on_warn()
    {
        var facts = Facts(Fact.Of("gpu.count", 0L, "x"));
        var low = RuleEvaluator.EvaluateRule(Check("gpu.count", new BoundTest("1", true), Severity.Low), facts, Options).Single();
        var medium = RuleEvaluator.EvaluateRule(Check("gpu.count", new BoundTest("1", true), Severity.Medium), facts, Options).Single();
        var highOnly = RuleEvaluator.EvaluateRule(Check("gpu.count", new BoundTest("1", true), Severity.Medium), facts, Options with { FailOn = Severity.High }).Single();
        Assert.Equal(FindingStatus.Warn, low.Status);
        Assert.Equal(FindingStatus.Fail, medium.Status);
        Assert.Equal(FindingStatus.Warn, highOnly.Status);
    }

    [Fact]
    public void A_predictive_rule_fires_when_its_guard_holds_and_passes_otherwise()
    {
        var guard = new AllCondition(
        [
            new FactCondition("kernel.version", [new VersionTest(VersionRange.Parse(">=6.10 <6.12"))], SourcePosition.None),
            new FactCondition("module.nvidia.param.NVreg_EnableS0ixPowerManagement", [new EqualsTest("1")], SourcePosition.None),
            new FactCondition("gpu[*].driver.version", [new VersionTest(VersionRange.Parse("<=565.57.01"))], SourcePosition.None),
        ], SourcePosition.None);
        var rule = new Rule { Id = "kernel.follow-pte-resume", Title = "t", Severity = Severity.Low, When = guard, Predicts = "kernel.follow-pte-resume" };
        var risky = Facts(
            Fact.Of("kernel.version", "6.10.14-generic", "proc/sys/kernel/osrelease", 1),
            Fact.Of("module.nvidia.param.NVreg_EnableS0ixPowerManagement", "1", "proc/driver/nvidia/params", 3),
            Fact.Of(FactNames.GpuCount, 1L, "x"),
            Fact.Of("gpu[0].driver.version", "565.57.01", "proc/driver/nvidia/version", 1));
        var fired = One(rule, risky);
        Assert.Equal(FindingStatus.Warn, fired.Status);
        Assert.Equal("kernel.follow-pte-resume", fired.Predicts);
        Assert.Contains(new Evidence("proc/driver/nvidia/params", 3), fired.Evidence);

        risky.Add(Fact.Of("kernel.version", "6.12.1", "proc/sys/kernel/osrelease", 1));
        Assert.Equal(FindingStatus.Pass, One(rule, risky).Status);
    }

    [Fact]
    public void Waivers_turn_failures_into_waived_until_they_expire()
    {
        var rule = Check("gpu.count", new BoundTest("1", true));
        var facts = Facts(Fact.Of("gpu.count", 0L, "x"));
        Policy With(DateOnly expires) => new("p", null, [rule], [new Waiver("test.rule", "lab host", "alice", expires, null, SourcePosition.None)], "p.yaml");

        var active = RuleEvaluator.Evaluate([With(new DateOnly(2026, 12, 31))], facts, Options).Single();
        var expired = RuleEvaluator.Evaluate([With(new DateOnly(2026, 1, 1))], facts, Options).Single();
        Assert.Equal(FindingStatus.Waived, active.Status);
        Assert.Contains("alice", active.Note, StringComparison.Ordinal);
        Assert.Equal(FindingStatus.Fail, expired.Status);
        Assert.Contains("expired", expired.Note, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { FindingStatus.Pass, FindingStatus.Skip }, Verdict.Pass)]
    [InlineData(new[] { FindingStatus.Pass, FindingStatus.Waived, FindingStatus.Warn }, Verdict.Warn)]
    [InlineData(new[] { FindingStatus.Warn, FindingStatus.Error }, Verdict.Error)]
    [InlineData(new[] { FindingStatus.Error, FindingStatus.Fail, FindingStatus.Pass }, Verdict.Fail)]
    public void The_verdict_is_the_worst_status(FindingStatus[] statuses, Verdict verdict) => Assert.Equal(verdict, VerdictRules.Of(statuses));

    [Fact]
    public void A_failing_diagnosis_fails_the_verdict() => Assert.Equal(Verdict.Fail, VerdictRules.Of([FindingStatus.Pass], anyFailingDiagnosis: true));

    [Theory]
    [InlineData(Verdict.Pass, false, 0)]
    [InlineData(Verdict.Warn, false, 0)]
    [InlineData(Verdict.Warn, true, 1)]
    [InlineData(Verdict.Error, false, 1)]
    [InlineData(Verdict.Fail, false, 1)]
    public void Exit_codes_follow_the_verdict(Verdict v, bool strict, int code) => Assert.Equal(code, v.ExitCode(strict));

    // Properties of evaluation over random facts and rules.
    private static readonly Gen<object?> Value = Gen.OneOf<object?>(
        Gen.Const<object?>(() => null), Gen.Bool.Select(b => (object?)b), Gen.Long[0, 20].Select(l => (object?)l),
        Gen.OneOf("on", "off", "devtools", "550.127.05", "96.00.9D.00.02").Select(s => (object?)s));

    private static readonly Gen<FactTest> Test = Gen.OneOf<FactTest>(
        Gen.OneOf("on", "off", "true", "3").Select(s => (FactTest)new EqualsTest(s)),
        Gen.Bool.Select(b => (FactTest)new ExistsTest(b)),
        Gen.OneOf(">=550", "<96.00.A0", ">=1 <10 || >15").Select(r => (FactTest)new VersionTest(VersionRange.Parse(r))),
        Gen.Long[0, 20].Select(l => (FactTest)new BoundTest(l.ToString(System.Globalization.CultureInfo.InvariantCulture), true)));

    [Fact]
    public void Evaluation_is_deterministic_and_every_failure_or_error_carries_evidence() =>
        Gen.Select(Value, Test, Gen.Bool, Gen.Enum<Severity>(), Gen.Bool).Sample((value, test, optional, severity, unreadable) =>
        {
            var fact = value is null
                ? (unreadable ? Fact.Unavailable("f.x", "timeout", "commands/a.out") : Fact.Absent("f.x", ["a"]))
                : Fact.Of("f.x", value, "a", 1);
            var facts = Facts(fact with { Name = "nvidia.driver.version" });
            var rule = Check("nvidia.driver.version", test, severity, optional);
            var first = RuleEvaluator.EvaluateRule(rule, facts, Options).ToList();
            var second = RuleEvaluator.EvaluateRule(rule, facts, Options).ToList();
            static string Key(Finding f) => $"{f.Subject}|{f.Status}|{f.Actual}|{string.Join(';', f.Evidence)}";
            return first.Select(Key).SequenceEqual(second.Select(Key))
                && first.All(f => f.Status is not (FindingStatus.Fail or FindingStatus.Error) || f.Evidence.Count > 0)
                && first.All(f => f.Status != FindingStatus.Skip || optional);
        });

    [Fact]
    public void Raising_fail_on_never_turns_a_warn_into_a_fail() =>
        Gen.Select(Gen.Enum<Severity>(), Gen.Enum<Severity>(), Gen.Enum<Severity>()).Sample((severity, a, b) =>
        {
            var (lower, higher) = a <= b ? (a, b) : (b, a);
            var facts = Facts(Fact.Of("gpu.count", 0L, "x"));
            var rule = Check("gpu.count", new BoundTest("1", true), severity);
            var atLower = RuleEvaluator.EvaluateRule(rule, facts, Options with { FailOn = lower }).Single().Status;
            var atHigher = RuleEvaluator.EvaluateRule(rule, facts, Options with { FailOn = higher }).Single().Status;
            return !(atLower == FindingStatus.Warn && atHigher == FindingStatus.Fail);
        });
}
