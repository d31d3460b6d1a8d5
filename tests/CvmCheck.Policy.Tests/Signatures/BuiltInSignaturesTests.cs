using CvmCheck.Core.Facts;
using CvmCheck.Core.Rules;
using CvmCheck.Policy.Signatures;
using CvmCheck.Testing;

namespace CvmCheck.Policy.Tests.Signatures;

public sealed class BuiltInSignaturesTests
{
    [Fact]
    public void Every_embedded_signature_file_loads_without_errors()
    {
        Assert.NotEmpty(BuiltInSignatures.ResourceNames);
        foreach (var file in Directory.GetFiles(Repo.Policies("signatures"), "*.yaml"))
        {
            var result = SignatureLoader.LoadFile(file);
            Assert.True(result.Ok, string.Join(Environment.NewLine, result.Errors));
        }

        Assert.Equal(Directory.GetFiles(Repo.Policies("signatures"), "*.yaml").Length, BuiltInSignatures.ResourceNames.Count);
    }

    [Fact]
    public void Every_built_in_regex_compiles_when_first_used_as_the_loader_would_compile_it()
    {
        // BuiltInSignatures defers compiling its regexes to first use; each must compile, with the options asked for.
        foreach (var signature in BuiltInSignatures.Load().Signatures)
        {
            foreach (var line in signature.Matches.SelectMany(m => m.Then is null ? [m.Line] : new[] { m.Line, m.Then.Line }))
            {
                var eager = Core.Diagnosis.LinePattern.Create(line.Pattern, line.IgnoreCase);
                Assert.Equal(eager.Regex.Options, line.Regex.Options);
                Assert.Equal(eager.Regex.ToString(), line.Regex.ToString());
                Assert.Equal(eager.Literals, line.Literals);
            }
        }
    }

    [Fact]
    public void Every_id_of_the_corpus_registry_has_a_signature()
    {
        var ids = BuiltInSignatures.Load().Signatures.Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        var registry = CorpusIndex.Rows().SelectMany(r => r.Expected).Where(id => id != "healthy").Distinct();
        Assert.All(registry, id => Assert.Contains(id, ids));
    }

    [Fact]
    public void Every_built_in_pattern_has_a_literal_prefilter_so_a_large_log_is_one_fast_pass()
    {
        var set = BuiltInSignatures.Load();
        foreach (var signature in set.Signatures)
        {
            foreach (var pattern in signature.Matches)
            {
                Assert.True(pattern.Line.Literals.Count > 0, $"{signature.Id}: /{pattern.Line.Pattern}/ has no literal");
                Assert.True(pattern.Then is null || pattern.Then.Line.Literals.Count > 0, $"{signature.Id}: then-pattern has no literal");
            }
        }
    }

    [Fact]
    public void Every_signature_explains_how_to_fix_it_and_cites_a_reference()
    {
        Assert.All(BuiltInSignatures.Load().Signatures, s =>
        {
            Assert.False(string.IsNullOrWhiteSpace(s.Remediation), s.Id);
            Assert.NotEmpty(s.References);
        });
    }

    [Fact]
    public void Informational_signatures_are_exactly_the_states_that_are_not_failures()
    {
        var info = BuiltInSignatures.Load().Signatures.Where(s => s.Severity == Severity.Info).Select(s => s.Id).ToArray();
        Assert.Contains("tdx.guest-detected", info);
        Assert.Contains("gpu.cc-mode-on", info);
        Assert.DoesNotContain(info, id => id.StartsWith("gpu.rm", StringComparison.Ordinal));
    }

    [Fact]
    public void Guard_over_facts_is_satisfied_without_facts_and_judged_with_them()
    {
        var signature = BuiltInSignatures.Load().Signatures.Single(s => s.Id == "kernel.config-efi-missing");
        Assert.NotNull(signature.When);
        var bios = new FactSet();
        bios.Add(Fact.Of(FactNames.PlatformFirmware, "bios", "sys/class/dmi/id/bios_vendor"));
        var uefi = new FactSet();
        uefi.Add(Fact.Of(FactNames.PlatformFirmware, "uefi", "sys/class/dmi/id/bios_vendor"));
        Assert.False(signature.When!.Holds(bios));
        Assert.True(signature.When.Holds(uefi));
    }
}
