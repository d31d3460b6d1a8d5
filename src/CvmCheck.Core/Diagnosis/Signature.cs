using System.Text.RegularExpressions;
using CvmCheck.Core.Rules;

namespace CvmCheck.Core.Diagnosis;

/// <summary>
/// A known failure (or informational state) and how to recognise it in a kernel log (DESIGN.md §5).
/// Data only: loaded from <c>policies/signatures/*.yaml</c>; it can neither read files nor run commands.
/// The signature fires when any of its <see cref="Matches"/> is satisfied and its <see cref="When"/>
/// guard holds (a guard is satisfied when no facts are known, e.g. <c>diagnose --log</c> on a bare file).
/// </summary>
public sealed record Signature
{
    public required string Id { get; init; }

    public required string Title { get; init; }

    public required Severity Severity { get; init; }

    /// <summary><c>high</c>, <c>medium</c> or <c>low</c>: how surely the lines mean this cause.</summary>
    public string Confidence { get; init; } = "high";

    /// <summary>Alternatives: the signature fires when any one is satisfied.</summary>
    public required IReadOnlyList<SignaturePattern> Matches { get; init; }

    public Condition? When { get; init; }

    public string Explanation { get; init; } = string.Empty;

    public string Remediation { get; init; } = string.Empty;

    public IReadOnlyList<string> References { get; init; } = [];

    public SourcePosition Position { get; init; } = SourcePosition.None;
}

/// <summary>
/// One way a signature shows in a log: a line pattern, optionally needed <see cref="MinCount"/> times,
/// optionally followed by a second pattern (<see cref="Then"/>) within a window of lines or seconds.
/// Named groups (<c>(?&lt;xid&gt;\d+)</c>) become the diagnosis's captures.
/// </summary>
public sealed record SignaturePattern
{
    public required LinePattern Line { get; init; }

    public int MinCount { get; init; } = 1;

    public FollowUp? Then { get; init; }

    public SourcePosition Position { get; init; } = SourcePosition.None;
}

/// <summary>"A then B within N lines / seconds". When the log has no timestamps, a seconds window is
/// judged by <see cref="FallbackLines"/> lines instead.</summary>
public sealed record FollowUp
{
    public const int FallbackLines = 1000;

    public required LinePattern Line { get; init; }

    public int? WithinLines { get; init; }

    public double? WithinSeconds { get; init; }
}

/// <summary>
/// A regular expression over one log record's message, compiled with
/// <see cref="RegexOptions.NonBacktracking"/> (linear time on hostile input), with the literal text
/// every match must contain (<see cref="Literals"/>), used to skip the regex on lines that cannot match.
/// </summary>
public sealed record LinePattern
{
    private Regex? regex;

    public required string Pattern { get; init; }

    /// <summary>Whether the pattern ignores case (<see cref="RegexOptions.IgnoreCase"/>).</summary>
    public bool IgnoreCase { get; init; }

    /// <summary>The compiled regex. A pattern made by <see cref="CreateDeferred"/> compiles on first use:
    /// building the non-backtracking automaton costs milliseconds per pattern, and most patterns never
    /// see a line that contains their literals.</summary>
    public Regex Regex
    {
        get => regex ?? Interlocked.CompareExchange(ref regex, Compile(Pattern, IgnoreCase), null) ?? regex;
        init => regex = value;
    }

    /// <summary>At least one of these occurs (case-insensitively) in any matching text; empty when no
    /// literal could be derived (the regex then runs on every record).</summary>
    public IReadOnlyList<string> Literals { get; init; } = [];

    /// <summary>Compiles a pattern for matching; throws <see cref="ArgumentException"/> on a bad regex or
    /// <see cref="NotSupportedException"/> on a construct the non-backtracking engine refuses
    /// (backreferences, look-arounds, atomic groups).</summary>
    public static LinePattern Create(string pattern, bool ignoreCase = false) =>
        new() { Pattern = pattern, IgnoreCase = ignoreCase, Regex = Compile(pattern, ignoreCase), Literals = RegexLiterals.Required(pattern) };

    /// <summary>Like <see cref="Create"/>, but the regex is compiled on first use, so a bad pattern throws
    /// there. Only for patterns already known to compile (the built-in signatures, which their tests
    /// compile with <see cref="Create"/>).</summary>
    public static LinePattern CreateDeferred(string pattern, bool ignoreCase = false) =>
        new() { Pattern = pattern, IgnoreCase = ignoreCase, Literals = RegexLiterals.Required(pattern) };

    private static Regex Compile(string pattern, bool ignoreCase)
    {
        var options = RegexOptions.NonBacktracking | RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture;
        if (ignoreCase)
        {
            options |= RegexOptions.IgnoreCase;
        }

        return new Regex(pattern, options);
    }
}
