using CvmCheck.Core.Facts;
using CvmCheck.Core.Rules;
using CvmCheck.Formats.Versions;
using YamlDotNet.RepresentationModel;

namespace CvmCheck.Policy.Signatures;

/// <summary>
/// Reads a <c>when</c> guard in the policy condition syntax (DESIGN.md §4): <c>{fact: X, &lt;operator&gt;: Y}</c>
/// with one of equals, in, matches, exists, version, min, max (min with max allowed), or
/// <c>all: [...]</c>, <c>any: [...]</c>, <c>not: {...}</c>. Fact names must be in <see cref="FactNames"/>.
/// Used by the signatures loader until the policy loader's public condition reader is merged; both accept
/// the same syntax.
/// </summary>
internal static class SignatureConditionReader
{
    private static readonly string[] Operators = ["equals", "in", "matches", "exists", "version", "min", "max"];
    private static readonly string[] Keys = ["fact", .. Operators, "all", "any", "not"];

    public static Condition? Read(YamlNode node, YamlReading yaml)
    {
        if (node is not YamlMappingNode map)
        {
            yaml.Error(node, "condition: must be a mapping such as {fact: tdx.guest.detected, equals: true}");
            return null;
        }

        var entries = yaml.Entries(map, "condition", Keys);
        var position = yaml.At(node);
        var combinators = new[] { "all", "any", "not" }.Where(entries.ContainsKey).ToArray();
        if (combinators.Length > 0)
        {
            if (combinators.Length > 1 || entries.Count > 1)
            {
                yaml.Error(node, "condition: all, any and not stand alone (one per mapping)");
                return null;
            }

            var (_, value) = entries[combinators[0]];
            if (combinators[0] == "not")
            {
                var inner = Read(value, yaml);
                return inner is null ? null : new NotCondition(inner, position);
            }

            if (value is not YamlSequenceNode { Children.Count: > 0 } list)
            {
                yaml.Error(value, $"condition: '{combinators[0]}' needs a non-empty list of conditions");
                return null;
            }

            var items = list.Children.Select(c => Read(c, yaml)).ToList();
            if (items.Any(i => i is null))
            {
                return null;
            }

            return combinators[0] == "all" ? new AllCondition(items!, position) : new AnyCondition(items!, position);
        }

        var fact = yaml.RequiredText(entries, node, "fact", "condition");
        if (fact is not null && !FactNames.IsKnown(fact))
        {
            var suggestion = FactNames.Suggest(fact);
            yaml.Error(entries["fact"].Value, $"condition: unknown fact '{fact}'" + (suggestion is null ? string.Empty : $" (did you mean '{suggestion}'?)"));
            fact = null;
        }

        var operators = Operators.Where(entries.ContainsKey).ToArray();
        var validCombination = operators.Length == 1 || (operators.Length == 2 && operators.Contains("min") && operators.Contains("max"));
        if (!validCombination)
        {
            yaml.Error(node, "condition: give exactly one operator (" + string.Join(", ", Operators) + "), or min with max");
            return null;
        }

        var tests = new List<FactTest>();
        foreach (var op in operators)
        {
            var test = ReadTest(op, entries[op].Value, yaml);
            if (test is null)
            {
                return null;
            }

            tests.Add(test);
        }

        return fact is null ? null : new FactCondition(fact, tests, position);
    }

    private static FactTest? ReadTest(string op, YamlNode value, YamlReading yaml)
    {
        if (op == "in")
        {
            if (value is not YamlSequenceNode seq || seq.Children.Any(c => c is not YamlScalarNode))
            {
                yaml.Error(value, "condition: 'in' needs a list of values");
                return null;
            }

            return new InTest(seq.Children.Cast<YamlScalarNode>().Select(s => s.Value ?? string.Empty).ToArray());
        }

        if (value is not YamlScalarNode { Value: { } text })
        {
            yaml.Error(value, $"condition: '{op}' needs a single value, not a {YamlReading.Kind(value)}");
            return null;
        }

        switch (op)
        {
            case "equals":
                return new EqualsTest(text);
            case "exists":
                if (text is "true" or "false")
                {
                    return new ExistsTest(text == "true");
                }

                yaml.Error(value, "condition: 'exists' must be true or false");
                return null;
            case "matches":
                if (MatchesTest.TryCreate(text, out var matches, out var regexError))
                {
                    return matches;
                }

                yaml.Error(value, $"condition: bad regular expression: {regexError}");
                return null;
            case "version":
                if (VersionRange.TryParse(text, out var range, out var rangeError))
                {
                    return new VersionTest(range);
                }

                yaml.Error(value, $"condition: bad version range '{text}': {rangeError}");
                return null;
            default:
                return new BoundTest(text, IsMinimum: op == "min");
        }
    }
}
