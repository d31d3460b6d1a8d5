using System.Globalization;
using System.Text.RegularExpressions;
using CvmCheck.Core.Facts;
using CvmCheck.Formats.Versions;

namespace CvmCheck.Core.Rules;

/// <summary>
/// One operator of DESIGN.md §4 applied to a fact's value: <c>equals</c>, <c>in</c>, <c>matches</c>,
/// <c>exists</c>, <c>version</c>, <c>min</c>, <c>max</c>. Tests are pure functions of the value; a null
/// value is handled by the caller (fail closed, skip or error), except for <c>exists</c>.
/// </summary>
public abstract record FactTest
{
    /// <summary>The operator as written in policies.</summary>
    public abstract string Operator { get; }

    /// <summary>What the rule expects, for reports ("on", "one of [a, b]", "&gt;=550").</summary>
    public abstract string Expected { get; }

    /// <summary>Whether a non-null value passes.</summary>
    public abstract bool Holds(object value);

    /// <summary>For <c>exists</c>: a null value is an answer, not a failure to read.</summary>
    public virtual bool DecidesNull => false;

    internal static bool ScalarEquals(object value, string expected) => value switch
    {
        bool b => bool.TryParse(expected, out var e) && b == e,
        long l => long.TryParse(expected, NumberStyles.Integer, CultureInfo.InvariantCulture, out var e) && l == e,
        _ => string.Equals(Fact.FormatValue(value), expected, StringComparison.Ordinal),
    };
}

public sealed record EqualsTest(string Value) : FactTest
{
    public override string Operator => "equals";

    public override string Expected => Value;

    public override bool Holds(object value) => ScalarEquals(value, Value);
}

public sealed record InTest(IReadOnlyList<string> Values) : FactTest
{
    public override string Operator => "in";

    public override string Expected => "one of [" + string.Join(", ", Values) + "]";

    public override bool Holds(object value) => Values.Any(v => ScalarEquals(value, v));
}

/// <summary>Regular expression with a match timeout, so a hostile policy cannot hang the run.</summary>
public sealed record MatchesTest(string Pattern, Regex Regex) : FactTest
{
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(200);

    public override string Operator => "matches";

    public override string Expected => "matches /" + Pattern + "/";

    public override bool Holds(object value)
    {
        try
        {
            return Regex.IsMatch(Fact.FormatValue(value) ?? string.Empty);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    public static bool TryCreate(string pattern, out MatchesTest test, out string error)
    {
        test = null!;
        error = string.Empty;
        try
        {
            test = new MatchesTest(pattern, new Regex(pattern, RegexOptions.CultureInvariant, MatchTimeout));
            return true;
        }
        catch (ArgumentException e)
        {
            error = e.Message;
            return false;
        }
    }
}

public sealed record ExistsTest(bool ShouldExist) : FactTest
{
    public override string Operator => "exists";

    public override string Expected => ShouldExist ? "present" : "absent";

    public override bool Holds(object value) => ShouldExist;

    public override bool DecidesNull => true;
}

public sealed record VersionTest(VersionRange Range) : FactTest
{
    public override string Operator => "version";

    public override string Expected => Range.Text;

    public override bool Holds(object value) =>
        VersionNumber.TryParse(Fact.FormatValue(value), out var v) && Range.Contains(v);
}

/// <summary><c>min</c>/<c>max</c>: numeric for integer facts, version order for text facts.</summary>
public sealed record BoundTest(string Bound, bool IsMinimum) : FactTest
{
    public override string Operator => IsMinimum ? "min" : "max";

    public override string Expected => (IsMinimum ? ">=" : "<=") + Bound;

    public override bool Holds(object value)
    {
        int? c = value switch
        {
            long l when long.TryParse(Bound, NumberStyles.Integer, CultureInfo.InvariantCulture, out var b) => l.CompareTo(b),
            long => null,
            _ when VersionNumber.TryParse(Fact.FormatValue(value), out var v) && VersionNumber.TryParse(Bound, out var bv) => v.CompareTo(bv),
            _ => null,
        };
        return c is int r && (IsMinimum ? r >= 0 : r <= 0);
    }
}
