using CvmCheck.Policy.Signatures;
using CvmCheck.Testing;

namespace CvmCheck.Policy.Tests;

/// <summary>YAML that made YamlDotNet throw non-YAML exceptions (fixtures/fuzz-regressions/PROVENANCE.md):
/// policies and signature files share one guarded parse, so both report a positioned error.</summary>
public sealed class YamlParseRegressionTests
{
    public static TheoryData<string> Inputs()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.EnumerateFiles(Repo.Fixture("fuzz-regressions", "policy-yaml")).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(f));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Malformed_yaml_is_a_positioned_error_in_a_policy_and_in_a_signature_file(string file)
    {
        var text = File.ReadAllText(Repo.Fixture("fuzz-regressions", "policy-yaml", file));

        var errors = new List<PolicyError>();
        PolicyLoader.TryParse(text, file, errors);
        Assert.Contains(errors, e => e.Message.StartsWith("YAML syntax", StringComparison.Ordinal) && e.Line > 0);

        var signatures = SignatureLoader.Load(text, file);
        Assert.Empty(signatures.Signatures);
        Assert.Contains(signatures.Errors, e => e.Message.StartsWith("not valid YAML", StringComparison.Ordinal) && e.Position.Line > 0);
    }
}
