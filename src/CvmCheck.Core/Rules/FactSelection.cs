using CvmCheck.Core.Facts;

namespace CvmCheck.Core.Rules;

/// <summary>Resolves a policy fact reference to the facts it denotes: <c>gpu[*].x</c> is one fact per GPU
/// (none when there is no GPU), <c>gpu[N].x</c> and system names are one fact each (possibly absent).</summary>
public static class FactSelection
{
    public static IReadOnlyList<Fact> Resolve(string reference, FactSet facts)
    {
        if (GpuSelector.TryParse(reference, out var selector) && selector.Index is null)
        {
            return Enumerable.Range(0, facts.GpuCount).Select(i => facts.Get(selector.NameFor(i))).ToArray();
        }

        return [facts.Get(reference)];
    }

    /// <summary>The subject of a finding for a resolved fact: <c>gpu[i]</c> or <c>system</c>.</summary>
    public static string SubjectOf(string factName) =>
        GpuSelector.TryParse(factName, out var s) && s.Index is int i ? $"gpu[{i}]" : "system";
}
