using System.Text.RegularExpressions;
using CvmCheck.Policy;

namespace CvmCheck.Cli.Tests;

/// <summary><c>cvmcheck policy lint|init|list|show</c> end to end.</summary>
public sealed class PolicyCommandTests : IDisposable
{
    private readonly GateFixture fx = new();

    public void Dispose() => fx.Dispose();

    [Fact]
    public void Lint_of_a_clean_file_exits_0_and_prints_no_error()
    {
        var (exit, stdout, _) = GateFixture.Run("policy", "lint", fx.WaiverPolicy);
        Assert.Equal(0, exit);
        Assert.Empty(stdout);
    }

    [Fact]
    public void Lint_reports_every_error_of_every_file_as_file_line_col_and_exits_2()
    {
        var typo = fx.Write("typo.yaml", """
            apiVersion: cvmcheck/v1
            kind: Policy
            metadata: { name: typo }
            rules:
              - id: gpu.cc.mode
                title: CC on
                severity: critical
                fact: gpu[*].cc.mdoe
                equals: "on"
              - id: gpu.BAD
                title: Bad
                severity: urgent
                fact: gpu.count
                min: 1
            """);
        var broken = fx.Write("broken.yaml", "apiVersion: cvmcheck/v1\nkind: Policy\nrules: [ {id: x\n");

        var (exit, stdout, stderr) = GateFixture.Run("policy", "lint", typo, fx.PassingPolicy, broken);

        Assert.Equal(2, exit);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.StartsWith($"{typo}:8:", StringComparison.Ordinal) && l.Contains("did you mean 'gpu[*].cc.mode'", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith($"{typo}:10:", StringComparison.Ordinal) && l.Contains("gpu.BAD", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith($"{typo}:12:", StringComparison.Ordinal) && l.Contains("urgent", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith($"{broken}:", StringComparison.Ordinal) && l.Contains("YAML syntax", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.StartsWith(fx.PassingPolicy, StringComparison.Ordinal));
        Assert.All(lines, l => Assert.Matches(@"^.+:\d+:\d+: .+$", l));
        Assert.Contains("in 2 of 3 files", stderr);
    }

    [Fact]
    public void Lint_of_a_missing_file_is_an_error_naming_it()
    {
        var (exit, stdout, _) = GateFixture.Run("policy", "lint", fx.PathOf("nope.yaml"));
        Assert.Equal(2, exit);
        Assert.Contains("nope.yaml:0:0: no such file", stdout);
    }

    [Fact]
    public void Every_built_in_policy_lints_clean()
    {
        var (exit, _, stderr) = GateFixture.Run(["policy", "lint", .. BuiltInPolicies.Names]);
        Assert.Equal(0, exit);
        Assert.Contains("clean", stderr);
    }

    [Fact]
    public void List_names_every_built_in_with_its_description()
    {
        var (exit, stdout, _) = GateFixture.Run("policy", "list");
        Assert.Equal(0, exit);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(BuiltInPolicies.Names.Count, lines.Length);
        Assert.Contains(lines, l => l.StartsWith("h100-tdx-cc-production ", StringComparison.Ordinal) && l.Contains("confidential-computing mode", StringComparison.Ordinal));
    }

    [Fact]
    public void Show_prints_the_built_in_yaml_and_an_unknown_name_is_bad_usage()
    {
        var (exit, stdout, _) = GateFixture.Run("policy", "show", "h100-tdx-cc-production");
        Assert.Equal(0, exit);
        Assert.Equal(BuiltInPolicies.Text("h100-tdx-cc-production").TrimEnd(), stdout.TrimEnd());

        var (bad, _, stderr) = GateFixture.Run("policy", "show", "h100-prod");
        Assert.Equal(2, bad);
        Assert.Contains("built-ins: ", stderr);
    }

    [Fact]
    public void Init_writes_a_policy_that_lints_clean_and_passes_on_the_host_it_was_taken_from()
    {
        var file = fx.PathOf("pinned.yaml");
        var (exit, _, _) = GateFixture.Run("policy", "init", "--root", fx.Snapshot, "--output", file, "--name", "pinned");
        Assert.Equal(0, exit);

        Assert.Equal(0, GateFixture.Run("policy", "lint", file).Exit);
        var (check, stdout, _) = GateFixture.Run("check", "--root", fx.Snapshot, "--policy", file);
        Assert.Equal(0, check);
        Assert.Contains("host.tdx.guest", stdout);
    }

    [Fact]
    public void Init_without_output_prints_the_policy_on_stdout()
    {
        var (exit, stdout, _) = GateFixture.Run("policy", "init", "--root", fx.Snapshot);
        Assert.Equal(0, exit);
        Assert.Contains("kind: Policy", stdout);
        Assert.Contains("# not pinned: nvidia.driver.version", stdout);
    }

    [Theory]
    [InlineData("k:\n  - t: x\n    {e: h\n    f: g\n")]
    [InlineData(" :\n  -8t: x\n: h\n B {\nse  \n      \n")]
    public void Lint_of_yaml_the_library_cannot_load_is_an_error_with_a_position_not_an_internal_error(string yaml)
    {
        // Found by fuzz/run.sh policy-yaml: YamlDotNet throws InvalidOperationException or
        // ArgumentException on these, not YamlException.
        var file = fx.Write("unloadable.yaml", yaml);

        var (exit, stdout, stderr) = GateFixture.Run("policy", "lint", file);

        Assert.Equal(2, exit);
        Assert.Matches($@"^{Regex.Escape(file)}:[1-9]\d*:[1-9]\d*: YAML syntax: ", stdout);
        Assert.DoesNotContain("internal error", stderr);
        Assert.Equal(2, GateFixture.Run("check", "--root", fx.Snapshot, "--policy", file).Exit);
    }
}
