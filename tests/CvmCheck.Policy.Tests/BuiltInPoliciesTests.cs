namespace CvmCheck.Policy.Tests;

public sealed class BuiltInPoliciesTests
{
    [Fact]
    public void The_documented_built_ins_exist()
    {
        Assert.Contains("baseline", BuiltInPolicies.Names);
        Assert.Contains("h100-tdx-cc-production", BuiltInPolicies.Names);
    }

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var n in BuiltInPolicies.Names)
        {
            data.Add(n);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Every_built_in_loads_cleanly_and_every_rule_has_remediation(string name)
    {
        var policies = PolicyLoader.LoadReference(name);
        Assert.NotEmpty(policies);
        Assert.All(policies.SelectMany(p => p.Rules), r => Assert.False(string.IsNullOrWhiteSpace(r.Remediation), $"{r.Id} has no remediation"));
        Assert.All(policies.SelectMany(p => p.Rules), r => Assert.NotEmpty(r.References));
    }

    [Fact]
    public void Production_includes_baseline_and_guards_the_debug_rule_on_the_fact_existing()
    {
        var policies = PolicyLoader.LoadReference("h100-tdx-cc-production");
        Assert.Equal(["predictive", "baseline", "h100-tdx-cc-production"], policies.Select(p => p.Name));
        var debug = policies.Single(p => p.Name == "h100-tdx-cc-production").Rules.Single(r => r.Id == "tdx.td.no-debug");
        Assert.NotNull(debug.When);
        Assert.Contains("tdx.td.debug", debug.When!.FactNamesUsed);
        Assert.Contains(policies.Single(p => p.Name == "h100-tdx-cc-production").Rules, r => r.Id == "gpu.cc.mode" && r.Fact == "gpu[*].cc.mode");
    }
}
