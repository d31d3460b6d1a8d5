namespace CvmCheck.Core.Facts;

/// <summary>Every fact of one run, by name. Later facts of the same name replace earlier ones
/// (a probe may refine a value another probe set from a weaker source).</summary>
public sealed class FactSet
{
    private readonly Dictionary<string, Fact> facts = new(StringComparer.Ordinal);
    private readonly List<string> order = [];

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

    /// <summary>The fact, or an absent one when no probe produced it.</summary>
    public Fact Get(string name) => facts.TryGetValue(name, out var f) ? f : Fact.Absent(name, []);

    public bool Contains(string name) => facts.ContainsKey(name);

    /// <summary>Number of GPUs, from <c>gpu.count</c> (0 when unknown).</summary>
    public int GpuCount => Get(FactNames.GpuCount).Value is long n ? (int)n : 0;

    /// <summary>Sorted by name with GPU indices in numeric order, for stable output.</summary>
    public IEnumerable<Fact> Sorted => facts.Values.OrderBy(f => f.Name, FactNameComparer.Instance);
}
