namespace CvmCheck.Core.Facts;

/// <summary>Every fact of one run, by name. Later facts of the same name replace earlier ones
/// (a probe may refine a value another probe set from a weaker source).</summary>
public sealed class FactSet
{
    private readonly Dictionary<string, Fact> facts = new(StringComparer.Ordinal);
    private readonly List<string> order = [];
    private readonly List<(string Prefix, Func<string, Fact?> Resolve)> resolvers = [];

    public int Count => facts.Count;

    public IEnumerable<Fact> All => order.Select(n => facts[n]);

    public void Add(Fact fact)
    {
        if (!facts.ContainsKey(fact.Name))
        {
            order.Add(fact.Name);
        }

        facts[fact.Name] = fact;
    }

    public void AddRange(IEnumerable<Fact> range)
    {
        foreach (var f in range)
        {
            Add(f);
        }
    }

    public bool TryGet(string name, out Fact fact) => facts.TryGetValue(name, out fact!);

    /// <summary>The fact, or one from a family resolver (e.g. any <c>kernel.config.*</c>), or an absent
    /// one when no probe produced it.</summary>
    public Fact Get(string name)
    {
        if (facts.TryGetValue(name, out var f))
        {
            return f;
        }

        foreach (var (prefix, resolve) in resolvers)
        {
            if (name.StartsWith(prefix, StringComparison.Ordinal) && resolve(name) is { } resolved)
            {
                return resolved;
            }
        }

        return Fact.Absent(name, []);
    }

    /// <summary>Answers every name under a prefix on demand, for open families whose members are too
    /// many to list (a kernel config holds thousands of options).</summary>
    public void AddResolver(string prefix, Func<string, Fact?> resolve) => resolvers.Add((prefix, resolve));

    public bool Contains(string name) => facts.ContainsKey(name);

    /// <summary>Number of GPUs, from <c>gpu.count</c> (0 when unknown).</summary>
    public int GpuCount => Get(FactNames.GpuCount).Value is long n ? (int)n : 0;

    /// <summary>Sorted by name with GPU indices in numeric order, for stable output.</summary>
    public IEnumerable<Fact> Sorted => facts.Values.OrderBy(f => f.Name, FactNameComparer.Instance);
}
