using System.Buffers;

namespace CvmCheck.Core.Diagnosis;

/// <summary>
/// A compiled, immutable set of signatures ready for matching: every line pattern indexed by the literals
/// it requires, so one vectorised multi-string search (<see cref="SearchValues{T}"/>) finds the few
/// records worth a regex. Build once, share freely (thread-safe: matching state lives in a session).
/// </summary>
public sealed class SignatureSet
{
    private readonly Dictionary<(char, char), List<(string Literal, int[] Patterns)>> byPrefix = [];

    public SignatureSet(IEnumerable<Signature> signatures)
    {
        Signatures = signatures.ToArray();
        var patterns = new List<PatternRef>();
        var literalToPatterns = new Dictionary<string, List<int>>(StringComparer.OrdinalIgnoreCase);
        var unfiltered = new List<int>();
        for (var s = 0; s < Signatures.Count; s++)
        {
            for (var p = 0; p < Signatures[s].Matches.Count; p++)
            {
                var pattern = Signatures[s].Matches[p];
                Register(new PatternRef(s, p, IsFollowUp: false, pattern.Line));
                if (pattern.Then is not null)
                {
                    Register(new PatternRef(s, p, IsFollowUp: true, pattern.Then.Line));
                }
            }
        }

        void Register(PatternRef reference)
        {
            var index = patterns.Count;
            patterns.Add(reference);
            if (reference.Line.Literals.Count == 0)
            {
                unfiltered.Add(index);
                return;
            }

            foreach (var literal in reference.Line.Literals)
            {
                if (!literalToPatterns.TryGetValue(literal, out var list))
                {
                    literalToPatterns[literal] = list = [];
                }

                list.Add(index);
            }
        }

        Patterns = patterns;
        UnfilteredPatterns = unfiltered;
        Literals = literalToPatterns.Keys.ToArray();
        LiteralSearch = SearchValues.Create(Literals.Count == 0 ? ["\u0001\u0002\u0003"] : Literals.ToArray(), StringComparison.OrdinalIgnoreCase);
        foreach (var (literal, list) in literalToPatterns)
        {
            var key = PrefixKey(literal[0], literal[1]);
            if (!byPrefix.TryGetValue(key, out var bucket))
            {
                byPrefix[key] = bucket = [];
            }

            bucket.Add((literal, list.ToArray()));
        }
    }

    public IReadOnlyList<Signature> Signatures { get; }

    /// <summary>Every literal any pattern requires (case-insensitive).</summary>
    public IReadOnlyList<string> Literals { get; }

    internal IReadOnlyList<PatternRef> Patterns { get; }

    /// <summary>Patterns with no literal: their regex runs on every record (none among the built-ins).</summary>
    internal IReadOnlyList<int> UnfilteredPatterns { get; }

    internal SearchValues<string> LiteralSearch { get; }

    /// <summary>True when the text contains a literal of some pattern: only then can a record match.</summary>
    public bool MayMatch(ReadOnlySpan<char> text) => UnfilteredPatterns.Count > 0 || text.IndexOfAny(LiteralSearch) >= 0;

    /// <summary>Calls <paramref name="visit"/> with the index of every pattern whose literal occurs in the text.</summary>
    internal void ForEachTriggered(ReadOnlySpan<char> text, Action<int> visit)
    {
        var offset = 0;
        while (offset < text.Length)
        {
            var hit = text[offset..].IndexOfAny(LiteralSearch);
            if (hit < 0)
            {
                return;
            }

            var at = offset + hit;
            if (at + 1 < text.Length && byPrefix.TryGetValue(PrefixKey(text[at], text[at + 1]), out var bucket))
            {
                foreach (var (literal, patterns) in bucket)
                {
                    if (text[at..].StartsWith(literal, StringComparison.OrdinalIgnoreCase))
                    {
                        foreach (var p in patterns)
                        {
                            visit(p);
                        }
                    }
                }
            }

            offset = at + 1;
        }
    }

    private static (char, char) PrefixKey(char a, char b) => (char.ToLowerInvariant(a), char.ToLowerInvariant(b));

    internal sealed record PatternRef(int Signature, int Pattern, bool IsFollowUp, LinePattern Line);
}
