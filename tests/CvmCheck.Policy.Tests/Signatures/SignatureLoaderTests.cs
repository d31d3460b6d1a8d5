using CvmCheck.Policy.Signatures;

namespace CvmCheck.Policy.Tests.Signatures;

public sealed class SignatureLoaderTests
{
    private const string Header = "apiVersion: cvmcheck/v1\nkind: Signatures\nsignatures:\n";

    [Fact]
    public void A_complete_signature_loads_with_all_its_parts()
    {
        var result = SignatureLoader.Load(Header + """
              - id: gpu.example-failure
                title: Example
                severity: high
                confidence: medium
                matches:
                  - 'RmInitAdapter failed! \((?<code>[^)]+)\)'
                  - regex: 'first thing'
                    min_count: 2
                    then: {regex: 'second thing', within_lines: 10, within_seconds: 2.5}
                when: {all: [{fact: tdx.guest.detected, equals: true}, {not: {fact: "gpu[*].cc.mode", in: ["off"]}}]}
                explanation: Why.
                remediation: Fix.
                references: [https://example.org/a]
            """, "x.yaml");
        Assert.True(result.Ok, string.Join("\n", result.Errors));
        var s = Assert.Single(result.Signatures);
        Assert.Equal("gpu.example-failure", s.Id);
        Assert.Equal("medium", s.Confidence);
        Assert.Equal(2, s.Matches.Count);
        Assert.Equal(2, s.Matches[1].MinCount);
        Assert.Equal(10, s.Matches[1].Then!.WithinLines);
        Assert.Equal(2.5, s.Matches[1].Then!.WithinSeconds);
        Assert.NotNull(s.When);
        Assert.Equal(["RmInitAdapter failed! ("], s.Matches[0].Line.Literals);
    }

    [Fact]
    public void All_errors_are_reported_at_once_with_file_line_and_column()
    {
        var result = SignatureLoader.Load(Header + """
              - id: Bad_Id
                title: One
                severity: severe
                colour: red
                matches: ['(unclosed']
                remediation: x
              - id: gpu.two
                title: Two
                severity: low
                matches: [{regex: 'ok text', min_count: zero}]
                when: {fact: gpu.cc.moed, equals: "on"}
                remediation: x
            """, "bad.yaml");
        Assert.False(result.Ok);
        Assert.Empty(result.Signatures);
        var messages = result.Errors.Select(e => e.ToString()).ToArray();
        Assert.Contains(messages, m => m.StartsWith("bad.yaml:4:9:", StringComparison.Ordinal) && m.Contains("dotted lower case", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("bad.yaml:6:15:", StringComparison.Ordinal) && m.Contains("severity must be one of", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("bad.yaml:7:5:", StringComparison.Ordinal) && m.Contains("unknown key 'colour'", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("bad.yaml:8:15:", StringComparison.Ordinal) && m.Contains("bad regular expression", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("'min_count' must be a whole number", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("unknown fact 'gpu.cc.moed'", StringComparison.Ordinal));
        Assert.True(messages.Length >= 6, string.Join("\n", messages));
    }

    [Theory]
    [InlineData(@"(?<x>a)\k<x>", "backreference")]
    [InlineData(@"foo(?=bar)", "look-around")]
    [InlineData(@"(?>atomic)", "atomic")]
    public void Patterns_the_linear_time_engine_refuses_are_load_errors(string regex, string construct)
    {
        var result = SignatureLoader.Load(Header + $"  - {{id: gpu.x, title: X, severity: low, remediation: r, matches: ['{regex}']}}\n", "nb.yaml");
        var error = Assert.Single(result.Errors);
        Assert.Contains(construct, error.Message, StringComparison.Ordinal);
        Assert.Equal(4, error.Position.Line);
    }

    [Fact]
    public void Wrong_kind_wrong_types_and_duplicate_ids_are_errors()
    {
        var result = SignatureLoader.Load("""
            apiVersion: cvmcheck/v2
            kind: Policy
            signatures:
              - {id: gpu.same, title: [not, text], severity: low, remediation: r, matches: [a-literal]}
              - {id: gpu.same, title: T, severity: low, remediation: r, matches: [a-literal]}
              - {id: gpu.same, title: T, severity: low, remediation: r, matches: [a-literal]}
              - {id: gpu.other, title: T, severity: low, remediation: r, matches: [a-literal], references: text}
            """, "k.yaml");
        var messages = string.Join("\n", result.Errors);
        Assert.Contains("apiVersion must be 'cvmcheck/v1'", messages, StringComparison.Ordinal);
        Assert.Contains("kind must be 'Signatures'", messages, StringComparison.Ordinal);
        Assert.Contains("'title' must be text, not a list", messages, StringComparison.Ordinal);
        Assert.Contains("duplicate id", messages, StringComparison.Ordinal);
        Assert.Contains("'references' must be a list of text", messages, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_yaml_is_one_error_with_its_position()
    {
        var result = SignatureLoader.Load("apiVersion: [unclosed\n", "broken.yaml");
        var error = Assert.Single(result.Errors);
        Assert.StartsWith("broken.yaml:", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("not valid YAML", error.Message, StringComparison.Ordinal);
    }
}
