using System.Runtime.CompilerServices;
using System.Text;
using CvmCheck.Policy;

namespace CvmCheck.Fuzz.Targets;

/// <summary>`policy-yaml`: the policy loader on arbitrary text. A policy may come from an untrusted
/// source (DESIGN.md §1), so <see cref="PolicyLoader.TryParse"/> must never throw: every problem is a
/// <see cref="PolicyError"/> with a message and a position. Anything else is a crash for the fuzzer.</summary>
internal static class PolicyYamlTarget
{
    [ModuleInitializer]
    internal static void Register() => FuzzTargets.Register("policy-yaml", Run);

    private static void Run(ReadOnlyMemory<byte> input)
    {
        var text = Encoding.UTF8.GetString(input.Span);
        var errors = new List<PolicyError>();
        var loaded = PolicyLoader.TryParse(text, "fuzz.yaml", errors);
        foreach (var e in errors)
        {
            if (string.IsNullOrEmpty(e.Message) || e.Line < 0 || e.Column < 0)
            {
                throw new InvalidOperationException($"malformed policy error: {e}");
            }
        }

        if (loaded is null && errors.Count == 0)
        {
            throw new InvalidOperationException("TryParse returned no policy and no error");
        }

        if (loaded is not null && errors.Count == 0)
        {
            // A policy that loads clean must be usable: every rule has what the evaluator reads.
            foreach (var rule in loaded.Policy.Rules)
            {
                _ = rule.Expected;
                if (rule.Fact is null && rule.When is null)
                {
                    throw new InvalidOperationException($"rule {rule.Id} has neither a fact nor a guard");
                }
            }
        }
    }
}
