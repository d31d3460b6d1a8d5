using CsCheck;
using CvmCheck.Core.Facts;
using CvmCheck.Core.Rules;
using CvmCheck.Policy.Init;

namespace CvmCheck.Policy.Tests;

/// <summary><c>policy init</c>: a policy pinning the current host, which must lint clean and pass on it.</summary>
public sealed class InitGeneratorTests
{
    private static readonly PolicyInitGenerator.Options Options = new() { Name = "pinned", Source = "test host", GeneratedAt = new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero) };

    private static FactSet H100x2(string cc1 = "on")
    {
        var facts = new FactSet();
        facts.Add(Fact.Of(FactNames.NvidiaDriverVersion, "580.105.08", "proc/driver/nvidia/version", 1));
        facts.Add(Fact.Of(FactNames.NvidiaModuleFlavor, "open", "proc/driver/nvidia/version", 1));
        facts.Add(Fact.Of(FactNames.NvidiaPersistencedActive, true, "commands/systemctl_is-active_nvidia-persistenced.out", 1));
        facts.Add(Fact.Of(FactNames.KernelVersion, "6.8.0-1014-intel", "proc/sys/kernel/osrelease", 1));
        facts.Add(Fact.Of(FactNames.PlatformFirmware, "uefi", "sys/firmware/efi"));
        facts.Add(Fact.Of(FactNames.TdxGuestDetected, true, "proc/cpuinfo", 5));
        facts.Add(Fact.Of(FactNames.GpuCount, 2L, "commands/nvidia-smi_-q_-x.out", 5));
        for (var i = 0; i < 2; i++)
        {
            facts.Add(Fact.Of(FactNames.ForGpu(i, FactNames.Gpu.CcMode), i == 1 ? cc1 : "on", "commands/nvidia-smi_conf-compute_-f.out", 1));
            facts.Add(Fact.Of(FactNames.ForGpu(i, FactNames.Gpu.CcEnvironment), "production", "commands/nvidia-smi_conf-compute_-e.out", 1));
            facts.Add(Fact.Of(FactNames.ForGpu(i, FactNames.Gpu.PersistenceMode), "enabled", "commands/nvidia-smi_-q_-x.out", 20 + i));
            facts.Add(Fact.Of(FactNames.ForGpu(i, FactNames.Gpu.VbiosVersion), i == 0 ? "96.00.9D.00.02" : "96.00.9D.00.03", "commands/nvidia-smi_-q_-x.out", 30 + i));
        }

        return facts;
    }

    private static Core.Rules.Policy Load(string yaml)
    {
        var errors = new List<PolicyError>();
        var loaded = PolicyLoader.TryParse(yaml, "init.yaml", errors);
        Assert.Empty(errors);
        return loaded!.Policy;
    }

    private static Rule RuleFor(Core.Rules.Policy policy, string fact) => policy.Rules.Single(r => r.Fact == fact);

    [Fact]
    public void Generated_policy_lints_clean_and_every_rule_passes_on_the_host_it_pins()
    {
        var facts = H100x2();
        var policy = Load(PolicyInitGenerator.Generate(facts, Options));

        var findings = RuleEvaluator.Evaluate([policy], facts, new EvaluationOptions());

        Assert.NotEmpty(findings);
        Assert.All(findings, f => Assert.Equal(FindingStatus.Pass, f.Status));
        Assert.Equal("pinned", policy.Name);
    }

    [Fact]
    public void Driver_is_pinned_to_its_branch_and_kernel_to_its_minor_series()
    {
        var policy = Load(PolicyInitGenerator.Generate(H100x2(), Options));
        Assert.Equal(">=580.105.08 <581", Describe(RuleFor(policy, FactNames.NvidiaDriverVersion)));
        Assert.Equal(">=6.8.0 <6.9", Describe(RuleFor(policy, FactNames.KernelVersion)));
    }

    [Fact]
    public void Next_driver_branch_and_next_kernel_series_fail_the_pinned_policy()
    {
        var policy = Load(PolicyInitGenerator.Generate(H100x2(), Options));
        var updated = H100x2();
        updated.Add(Fact.Of(FactNames.NvidiaDriverVersion, "580.126.09", "proc/driver/nvidia/version", 1));
        var upgraded = H100x2();
        upgraded.Add(Fact.Of(FactNames.NvidiaDriverVersion, "590.44.01", "proc/driver/nvidia/version", 1));
        upgraded.Add(Fact.Of(FactNames.KernelVersion, "6.9.0-1-intel", "proc/sys/kernel/osrelease", 1));

        Assert.All(RuleEvaluator.Evaluate([policy], updated, new EvaluationOptions()), f => Assert.Equal(FindingStatus.Pass, f.Status));
        var failed = RuleEvaluator.Evaluate([policy], upgraded, new EvaluationOptions()).Where(f => f.Status == FindingStatus.Fail).Select(f => f.Fact);
        Assert.Equal([FactNames.NvidiaDriverVersion, FactNames.KernelVersion], failed);
    }

    [Fact]
    public void Vbios_is_pinned_per_gpu_and_cc_mode_once_for_all_gpus_when_they_agree()
    {
        var policy = Load(PolicyInitGenerator.Generate(H100x2(), Options));
        Assert.Equal("96.00.9D.00.02", Describe(RuleFor(policy, "gpu[0].vbios.version")));
        Assert.Equal("96.00.9D.00.03", Describe(RuleFor(policy, "gpu[1].vbios.version")));
        Assert.Equal("on", Describe(RuleFor(policy, "gpu[*].cc.mode")));
        Assert.Equal("production", Describe(RuleFor(policy, "gpu[*].cc.environment")));
        Assert.Equal("enabled", Describe(RuleFor(policy, "gpu[*].persistence_mode")));
        Assert.Equal("uefi", Describe(RuleFor(policy, FactNames.PlatformFirmware)));
        Assert.Equal("open", Describe(RuleFor(policy, FactNames.NvidiaModuleFlavor)));
    }

    [Fact]
    public void Gpus_that_disagree_get_one_rule_each()
    {
        var policy = Load(PolicyInitGenerator.Generate(H100x2(cc1: "devtools"), Options));
        Assert.Equal("on", Describe(RuleFor(policy, "gpu[0].cc.mode")));
        Assert.Equal("devtools", Describe(RuleFor(policy, "gpu[1].cc.mode")));
        Assert.DoesNotContain(policy.Rules, r => r.Fact == "gpu[*].cc.mode");
    }

    [Fact]
    public void Absent_facts_are_left_out_with_a_comment_and_never_pinned_as_absent()
    {
        var facts = new FactSet();
        facts.Add(Fact.Of(FactNames.TdxGuestDetected, false, "proc/cpuinfo"));
        var yaml = PolicyInitGenerator.Generate(facts, Options);
        var policy = Load(yaml);

        Assert.Equal([FactNames.TdxGuestDetected], policy.Rules.Select(r => r.Fact));
        Assert.Contains("# not pinned: nvidia.driver.version (no value on this host)", yaml);
        Assert.Contains("# not pinned: gpu[*].cc.mode (no value on this host)", yaml);
    }

    [Theory]
    [InlineData("580.105.08", ">=580.105.08 <581")]
    [InlineData("535.104.05", ">=535.104.05 <536")]
    [InlineData("550", ">=550 <551")]
    [InlineData("r550.54", null)]
    public void Branch_range_runs_from_the_current_release_to_the_next_major(string version, string? range) =>
        Assert.Equal(range, PolicyInitGenerator.BranchRange(version));

    [Fact]
    public void Any_host_values_give_a_policy_that_lints_clean_and_passes_on_that_host()
    {
        var text = Gen.String[Gen.Char[' ', '\u00ff'], 1, 24];
        Gen.Select(text, text, text, Gen.Int[0, 3], Gen.Bool).Sample((driver, kernel, vbios, gpus, tdx) =>
        {
            var facts = new FactSet();
            facts.Add(Fact.Of(FactNames.NvidiaDriverVersion, driver, "proc/driver/nvidia/version", 1));
            facts.Add(Fact.Of(FactNames.KernelVersion, kernel, "proc/sys/kernel/osrelease", 1));
            facts.Add(Fact.Of(FactNames.TdxGuestDetected, tdx, "proc/cpuinfo", 1));
            facts.Add(Fact.Of(FactNames.GpuCount, (long)gpus, "commands/nvidia-smi_-q_-x.out", 1));
            for (var i = 0; i < gpus; i++)
            {
                facts.Add(Fact.Of(FactNames.ForGpu(i, FactNames.Gpu.VbiosVersion), vbios, "commands/nvidia-smi_-q_-x.out", 1));
                facts.Add(Fact.Of(FactNames.ForGpu(i, FactNames.Gpu.CcMode), vbios, "commands/nvidia-smi_conf-compute_-f.out", 1));
            }

            var yaml = PolicyInitGenerator.Generate(facts, Options with { Source = kernel, Name = "p" + gpus });
            var errors = new List<PolicyError>();
            var loaded = PolicyLoader.TryParse(yaml, "init.yaml", errors);
            if (errors.Count > 0 || loaded is null)
            {
                return false;
            }

            return RuleEvaluator.Evaluate([loaded.Policy], facts, new EvaluationOptions()).All(f => f.Status == FindingStatus.Pass);
        }, iter: 300);
    }

    private static string Describe(Rule rule) => string.Join(" ", rule.Tests.Select(t => t.Expected));
}
