using CvmCheck.Core.Facts;
using CvmCheck.Core.Rules;
using CvmCheck.Formats.Versions;
using YamlDotNet.RepresentationModel;

namespace CvmCheck.Policy;

/// <summary>
/// Reads fact tests and <c>when</c> guards (DESIGN.md §4) — shared by policy rules and failure
/// signatures, so both speak the same condition language.
/// </summary>
public static class ConditionReader
{
    /// <summary>The operator keys, in the order they are documented.</summary>
    public static readonly string[] OperatorKeys = ["equals", "in", "matches", "exists", "version", "min", "max"];

    private static readonly string[] ConditionKeys = ["fact", .. OperatorKeys];

    /// <summary>Reads a guard: <c>{fact: X, &lt;operator&gt;: Y}</c>, <c>{all: [...]}</c>, <c>{any: [...]}</c> or <c>{not: guard}</c>.</summary>
    public static Condition? Read(YamlNode node, YamlNodes y)
    {
        var map = y.Mapping(node, "a 'when' condition");
        if (map is null)
        {
            return null;
        }

        var keys = map.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value).ToArray();
        if (keys.Length == 1 && keys[0] is "all" or "any")
        {
            var value = map.Children.Values.First();
            var seq = y.Sequence(value, $"'{keys[0]}'");
            if (seq is null)
            {
                return null;
            }

            if (seq.Children.Count == 0)
            {
                y.Error(value, $"'{keys[0]}' needs at least one condition");
                return null;
            }

            var items = seq.Children.Select(c => Read(c, y)).ToArray();
            if (items.Any(i => i is null))
            {
                return null;
            }

            return keys[0] == "all"
                ? new AllCondition(items!, y.At(node))
                : new AnyCondition(items!, y.At(node));
        }

        if (keys.Length == 1 && keys[0] == "not")
        {
            var inner = Read(map.Children.Values.First(), y);
            return inner is null ? null : new NotCondition(inner, y.At(node));
        }

        if (keys.Any(k => k is "all" or "any" or "not"))
        {
            y.Error(node, "'all', 'any' and 'not' must each be the only key of their condition");
            return null;
        }

        YamlNode? factNode = null;
        var tests = ReadTests(map, y, ConditionKeys, "a condition", (key, value) =>
        {
            if (key == "fact")
            {
                factNode = value;
            }
        });
        if (factNode is null)
        {
            y.Error(node, "a condition needs 'fact' and one operator (" + string.Join(", ", OperatorKeys) + "), or 'all'/'any'/'not'");
            return null;
        }

        var fact = ReadFactName(factNode, y);
        if (tests is null || fact is null)
        {
            return null;
        }

        if (tests.Count == 0)
        {
            y.Error(node, $"condition on '{fact}' has no operator; expected one of: {string.Join(", ", OperatorKeys)}");
            return null;
        }

        return new FactCondition(fact, tests, y.At(node));
    }

    /// <summary>Reads and validates a fact reference; unknown names get a "did you mean" suggestion.</summary>
    public static string? ReadFactName(YamlNode node, YamlNodes y)
    {
        var name = y.NonEmptyString(node, "'fact'");
        if (name is null)
        {
            return null;
        }

        if (FactNames.IsKnown(name))
        {
            return name;
        }

        var suggestion = FactNames.Suggest(name);
        y.Error(node, $"unknown fact '{name}'" + (suggestion is null ? "; see 'cvmcheck facts' for the names" : $"; did you mean '{suggestion}'?"));
        return null;
    }

    /// <summary>
    /// Reads the operator keys of a mapping into tests (one operator, or <c>min</c> with <c>max</c>),
    /// reporting unknown keys against <paramref name="allowedKeys"/>; non-operator keys are handed to
    /// <paramref name="other"/>. Returns null when an error was recorded.
    /// </summary>
    public static List<FactTest>? ReadTests(YamlMappingNode map, YamlNodes y, IReadOnlyCollection<string> allowedKeys, string what, Action<string, YamlNode> other)
    {
        var tests = new List<FactTest>();
        var ok = true;
        var operatorsSeen = new List<string>();
        foreach (var (key, keyNode, value) in y.Entries(map, what, allowedKeys))
        {
            if (!OperatorKeys.Contains(key))
            {
                other(key, value);
                continue;
            }

            operatorsSeen.Add(key);
            var test = ReadTest(key, value, y);
            if (test is null)
            {
                ok = false;
            }
            else
            {
                tests.Add(test);
            }
        }

        if (operatorsSeen.Count > 1 && !(operatorsSeen.Count == 2 && operatorsSeen.Contains("min") && operatorsSeen.Contains("max")))
        {
            y.Error(map, $"{what} has several operators ({string.Join(", ", operatorsSeen)}); use one (only 'min' and 'max' combine)");
            ok = false;
        }

        return ok ? tests : null;
    }

    private static FactTest? ReadTest(string key, YamlNode value, YamlNodes y)
    {
        switch (key)
        {
            case "equals":
                return y.Scalar(value, "'equals'") is { } eq ? new EqualsTest(eq) : null;
            case "in":
                var list = y.Sequence(value, "'in'") is null ? null : y.StringList(value, "'in'");
                if (list is { Count: 0 })
                {
                    y.Error(value, "'in' needs at least one value");
                    return null;
                }

                return list is null ? null : new InTest(list);
            case "matches":
                var pattern = y.Scalar(value, "'matches'");
                if (pattern is null)
                {
                    return null;
                }

                if (!MatchesTest.TryCreate(pattern, out var m, out var regexError))
                {
                    y.Error(value, $"bad regular expression '{pattern}': {regexError}");
                    return null;
                }

                return m;
            case "exists":
                return y.Bool(value, "'exists'") is { } b ? new ExistsTest(b) : null;
            case "version":
                var text = y.Scalar(value, "'version'");
                if (text is null)
                {
                    return null;
                }

                if (!VersionRange.TryParse(text, out var range, out var rangeError))
                {
                    y.Error(value, $"bad version range: {rangeError}");
                    return null;
                }

                return new VersionTest(range);
            default:
                var bound = y.Scalar(value, $"'{key}'");
                if (bound is null)
                {
                    return null;
                }

                if (!long.TryParse(bound, out _) && !VersionNumber.TryParse(bound, out _))
                {
                    y.Error(value, $"'{key}' must be a number or a version, not '{bound}'");
                    return null;
                }

                return new BoundTest(bound, key == "min");
        }
    }
}
