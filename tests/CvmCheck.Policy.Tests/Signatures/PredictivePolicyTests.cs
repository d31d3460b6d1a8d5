using System.Text.Json;
using CvmCheck.Core.Facts;
using CvmCheck.Core.Rules;
using CvmCheck.Policy.Signatures;
using CvmCheck.Testing;

namespace CvmCheck.Policy.Tests.Signatures;

/// <summary>
/// policies/predictive.yaml: its shape (kind Policy, predictive rules only, known fact names, predicted ids
/// that exist as signatures) and which rules fire over the facts each seed snapshot must yield
/// (<c>fixtures/snapshots/seed-*.expected.json</c>), loaded with the policy loader.
/// </summary>
public sealed class PredictivePolicyTests
{
    private sealed record Predictive(string Id, Condition When, string Predicts, Severity Severity);

    private static IReadOnlyList<Predictive> Load()
    {
        var loaded = PolicyLoader.LoadFile(Repo.Policies("predictive.yaml"));
        Assert.Equal("predictive", loaded.Policy.Name);
        Assert.All(loaded.Policy.Rules, r =>
        {
            Assert.True(r.IsPredictive, r.Id);
            Assert.NotNull(r.When);
            Assert.NotNull(r.Predicts);
            Assert.False(string.IsNullOrWhiteSpace(r.Remediation), r.Id);
            Assert.NotEmpty(r.References);
        });
        return loaded.Policy.Rules.Select(r => new Predictive(r.Id, r.When!, r.Predicts!, r.Severity)).ToArray();
    }

    [Fact]
    public void Every_predictive_rule_is_well_formed_and_predicts_a_known_failure()
    {
        var rules = Load();
        Assert.True(rules.Count >= 8);
        Assert.Equal(rules.Count, rules.Select(r => r.Id).Distinct().Count());
        var signatureIds = BuiltInSignatures.Load().Signatures.Select(s => s.Id).Append("gpu.cc-mode-off-in-td").ToHashSet(StringComparer.Ordinal);
        Assert.All(rules, r => Assert.Contains(r.Predicts, signatureIds));
    }

    public static TheoryData<string> Seeds() =>
        new(Directory.GetFiles(Repo.Fixture("snapshots"), "seed-*.expected.json").Select(Path.GetFileName).Order().Cast<string>());

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Rules_that_fire_on_a_seeds_facts_are_exactly_its_expected_predictions(string expectedFile)
    {
        var expected = JsonDocument.Parse(File.ReadAllText(Repo.Fixture("snapshots", expectedFile))).RootElement;
        var facts = new FactSet();
        foreach (var fact in expected.GetProperty("facts").EnumerateObject())
        {
            object? value = fact.Value.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                JsonValueKind.Number => fact.Value.GetInt64(),
                _ => fact.Value.GetString(),
            };
            facts.Add(Fact.Of(fact.Name, value, "expected.json"));
        }

        var fired = Load().Where(r => r.When.Holds(facts)).ToDictionary(r => r.Id, r => r.Predicts);
        var want = expected.GetProperty("predictions").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
        Assert.Equal(want.OrderBy(p => p.Key), fired.OrderBy(p => p.Key));
    }

    [Fact]
    public void Follow_pte_rule_spares_fixed_kernels_and_drivers()
    {
        var rule = Load().Single(r => r.Id == "kernel.follow-pte-resume");
        static FactSet Facts(string kernel, string driver)
        {
            var f = new FactSet();
            f.Add(Fact.Of(FactNames.KernelVersion, kernel, "proc/sys/kernel/osrelease"));
            f.Add(Fact.Of("module.nvidia.param.NVreg_EnableS0ixPowerManagement", "1", "proc/driver/nvidia/params"));
            f.Add(Fact.Of(FactNames.NvidiaDriverVersion, driver, "proc/driver/nvidia/version"));
            return f;
        }

        Assert.True(rule.When.Holds(Facts("6.11.5-arch1-1", "565.57.01")));
        Assert.False(rule.When.Holds(Facts("6.12.1", "565.57.01")));
        Assert.False(rule.When.Holds(Facts("6.9.12", "560.35.03")));
        Assert.False(rule.When.Holds(Facts("6.10.14-061014-generic", "570.86.10")));
    }
}
