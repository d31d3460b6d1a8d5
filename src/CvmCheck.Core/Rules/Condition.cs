using CvmCheck.Core.Facts;

namespace CvmCheck.Core.Rules;

/// <summary>A <c>when</c> guard (DESIGN.md §4): a fact test, or <c>all</c>/<c>any</c>/<c>not</c> of guards.</summary>
public abstract record Condition(SourcePosition Position)
{
    /// <summary>Evaluates the guard. In a guard, <c>gpu[*]</c> holds when it holds for any GPU; a fact
    /// that has no value makes its test false (except <c>exists: false</c>, which it satisfies).</summary>
    public abstract bool Holds(FactSet facts);

    /// <summary>The fact names the guard reads, for evidence.</summary>
    public abstract IEnumerable<string> FactNamesUsed { get; }
}

public sealed record FactCondition(string Fact, IReadOnlyList<FactTest> Tests, SourcePosition Position) : Condition(Position)
{
    public override bool Holds(FactSet facts) => FactSelection.Resolve(Fact, facts).Any(f => TestsHold(f));

    public override IEnumerable<string> FactNamesUsed => [Fact];

    internal bool TestsHold(Fact fact) =>
        fact.Value is null ? Tests.All(t => t is ExistsTest { ShouldExist: false }) : Tests.All(t => t.Holds(fact.Value));
}

public sealed record AllCondition(IReadOnlyList<Condition> Items, SourcePosition Position) : Condition(Position)
{
    public override bool Holds(FactSet facts) => Items.All(c => c.Holds(facts));

    public override IEnumerable<string> FactNamesUsed => Items.SelectMany(i => i.FactNamesUsed);
}

public sealed record AnyCondition(IReadOnlyList<Condition> Items, SourcePosition Position) : Condition(Position)
{
    public override bool Holds(FactSet facts) => Items.Any(c => c.Holds(facts));

    public override IEnumerable<string> FactNamesUsed => Items.SelectMany(i => i.FactNamesUsed);
}

public sealed record NotCondition(Condition Inner, SourcePosition Position) : Condition(Position)
{
    public override bool Holds(FactSet facts) => !Inner.Holds(facts);

    public override IEnumerable<string> FactNamesUsed => Inner.FactNamesUsed;
}
