using CvmCheck.Core.Rules;

namespace CvmCheck.Policy.Tests;

public sealed class PolicyLoaderTests
{
    private static List<PolicyError> Errors(string yaml)
    {
        var errors = new List<PolicyError>();
        PolicyLoader.TryParse(yaml, "p.yaml", errors);
        return errors;
    }

    private const string Header = "apiVersion: cvmcheck/v1\nkind: Policy\nmetadata: { name: t }\nrules:\n";

    [Fact]
    public void A_valid_policy_loads_every_key_of_the_reference()
    {
        var loaded = PolicyLoader.Parse(Header + """
              - id: gpu.cc.mode
                title: GPU confidential computing mode is on
                severity: critical
                fact: gpu[*].cc.mode
                equals: "on"
                optional: false
                when: { all: [ { fact: tdx.guest.detected, equals: true }, { not: { fact: tdx.td.debug, exists: true } }, { any: [ { fact: gpu.count, min: 1 } ] } ] }
                remediation: Enable CC mode.
                references: [ "https://docs.nvidia.com/" ]
              - id: kernel.follow-pte-resume
                title: follow_pte warnings on resume
                severity: low
                when: { all: [ { fact: kernel.version, version: ">=6.10 <6.12" }, { fact: "gpu[*].driver.version", version: "<=565.57.01" } ] }
                predicts: kernel.follow-pte-resume
              - id: gpu.name
                title: name
                severity: info
                fact: gpu[0].name
                matches: "^NVIDIA H(100|200)"
              - id: cpu.count
                title: count
                severity: low
                fact: cpu.online_count
                min: 2
                max: 512
            waivers:
              - { rule: gpu.name, reason: "lab", approver: "alice", expires: 2026-12-31 }
            """, "p.yaml");
        var rules = loaded.Policy.Rules;
        Assert.Equal(4, rules.Count);
        Assert.IsType<AllCondition>(rules[0].When);
        Assert.Equal(new SourcePosition("p.yaml", 5, 5), rules[0].Position);
        Assert.True(rules[1].IsPredictive);
        Assert.Equal("kernel.follow-pte-resume", rules[1].Predicts);
        Assert.IsType<MatchesTest>(rules[2].Tests.Single());
        Assert.Equal(2, rules[3].Tests.Count);
        Assert.Equal(new DateOnly(2026, 12, 31), loaded.Policy.Waivers.Single().Expires);
    }

    [Fact]
    public void Every_error_is_reported_at_once_with_file_line_and_column()
    {
        var errors = Errors(Header + """
              - id: a.one
                title: unknown key
                severity: high
                fact: gpu.count
                min: 1
                colour: red
              - id: a.two
                title: wrong type
                severity: high
                fact: gpu.count
                min: [1, 2]
              - id: a.three
                title: unknown fact
                severity: high
                fact: gpu[*].cc.mdoe
                equals: "on"
              - id: a.four
                title: bad regex
                severity: high
                fact: gpu[0].name
                matches: "([a-z"
              - id: a.five
                title: bad range
                severity: high
                fact: nvidia.driver.version
                version: ">=550 ||"
              - id: a.six
                title: bad severity
                severity: urgent
                fact: gpu.count
                min: 1
            """);
        Assert.Equal(6, errors.Count);
        Assert.Contains(errors, e => e.Line == 10 && e.Column == 5 && e.Message.Contains("unknown key 'colour'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Line == 15 && e.Column == 10 && e.Message.Contains("single value", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Line == 19 && e.Message.Contains("did you mean 'gpu[*].cc.mode'?", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Line == 25 && e.Message.Contains("bad regular expression", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Line == 30 && e.Message.Contains("bad version range", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Line == 33 && e.Message.Contains("urgent", StringComparison.Ordinal));
        Assert.All(errors, e => Assert.Equal("p.yaml", e.File));
    }

    [Fact]
    public void Yaml_syntax_errors_name_their_position()
    {
        var e = Assert.Single(Errors("apiVersion: cvmcheck/v1\nkind: Policy\nrules:\n  - id: x\n   title: [unclosed\n"));
        Assert.Equal("p.yaml", e.File);
        Assert.True(e.Line >= 4, e.ToString());
        Assert.StartsWith("YAML syntax", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("  - { id: Bad_Id, title: t, severity: low, fact: gpu.count, min: 1 }\n", "dotted lower case")]
    [InlineData("  - { id: a.b, title: t, severity: low, fact: gpu.count }\n", "no operator")]
    [InlineData("  - { id: a.b, title: t, severity: low, fact: gpu.count, equals: 1, min: 1 }\n", "several operators")]
    [InlineData("  - { id: a.b, title: t, severity: low, equals: 1 }\n", "no 'fact'")]
    [InlineData("  - { id: a.b, severity: low, fact: gpu.count, min: 1 }\n", "needs a 'title'")]
    [InlineData("  - { id: a.b, title: t, severity: low, fact: gpu.count, exists: maybe }\n", "true or false")]
    [InlineData("  - { id: a.b, title: t, severity: low, fact: gpu.count, in: [] }\n", "at least one")]
    [InlineData("  - { id: a.b, title: t, severity: low, fact: gpu.count, min: 1 }\n  - { id: a.b, title: t, severity: low, fact: gpu.count, min: 2 }\n", "duplicate rule id")]
    [InlineData("  - { id: a.b, title: t, severity: low, when: { fact: gpu.count, min: 1, any: [] } }\n", "only key")]
    public void Invalid_rules_are_explained(string rules, string message)
    {
        var errors = Errors(Header + rules);
        Assert.Contains(errors, e => e.Message.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void Waivers_need_every_field()
    {
        var errors = Errors(Header + "  - { id: a.b, title: t, severity: low, fact: gpu.count, min: 1 }\nwaivers:\n  - { rule: a.b, reason: lab, expires: 31-12-2026 }\n");
        Assert.Contains(errors, e => e.Message.Contains("needs 'approver'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Message.Contains("date like", StringComparison.Ordinal));
    }

    [Fact]
    public void Include_may_only_name_built_in_policies_never_files()
    {
        var errors = Errors("apiVersion: cvmcheck/v1\nkind: Policy\ninclude: [/etc/passwd]\nrules: []\n");
        Assert.Contains(errors, e => e.Message.Contains("only built-ins can be included", StringComparison.Ordinal));
    }

    [Fact]
    public void A_policy_has_no_key_that_runs_commands_or_reads_files()
    {
        var errors = Errors(Header + "  - { id: a.b, title: t, severity: low, command: \"rm -rf /\", file: /etc/shadow, fact: gpu.count, min: 1 }\n");
        Assert.Equal(2, errors.Count(e => e.Message.StartsWith("unknown key", StringComparison.Ordinal)));
    }

    [Fact]
    public void Missing_header_and_wrong_kind_are_errors()
    {
        Assert.Contains(Errors("rules: []\n"), e => e.Message.Contains("apiVersion", StringComparison.Ordinal));
        Assert.Contains(Errors("apiVersion: cvmcheck/v1\nkind: Signatures\n"), e => e.Message.Contains("Signatures document", StringComparison.Ordinal));
        Assert.Contains(Errors("just a string"), e => e.Message.Contains("mapping", StringComparison.Ordinal));
        Assert.Contains(Errors(""), e => e.Message.Contains("empty", StringComparison.Ordinal));
    }

    [Fact]
    public void Loading_a_missing_reference_names_the_built_ins()
    {
        var e = Assert.Throws<PolicyLoadException>(() => PolicyLoader.LoadReference("no-such-policy"));
        Assert.Contains("baseline", e.Errors.Single().Message, StringComparison.Ordinal);
    }
}
