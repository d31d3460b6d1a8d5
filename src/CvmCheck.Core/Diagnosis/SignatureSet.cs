using System.Runtime.CompilerServices;
using System.Buffers;

namespace CvmCheck.Core.Diagnosis;

/// <summary>
/// A compiled, immutable set of signatures ready for matching: every line pattern indexed by the literals
/// it requires, so one vectorised multi-string search (<see cref="SearchValues{T}"/>) finds the few
/// records worth a regex. Build once, share freely (thread-safe: matching state lives in a session).
/// The search does not use whole literals but a short <em>key</em> inside each (see <see cref="SearchKey"/>):
/// the vectorised multi-string search fingerprints the first characters of each value, so keys that
/// start like ordinary words ("The ", "time", "NVRM") would stop it on almost every line.
/// </summary>
public sealed class SignatureSet
{
    private readonly Dictionary<(char, char), List<(string Literal, int[] Patterns)>> byPrefix = [];

    public SignatureSet(IEnumerable<Signature> signatures)
    {
        Signatures = signatures.ToArray();
        var patterns = new List<PatternRef>();
        var literalToPatterns = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var ignoreCase = false;
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

            ignoreCase |= reference.Line.IgnoreCase;
            foreach (var literal in reference.Line.Literals.Select(SearchKey))
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
        Comparison = ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        // .NET's vectorised multi-string search (Teddy) handles a few values per instance; a large set falls
        // back to a per-character automaton that is two orders of magnitude slower on log text, so the keys
        // are split into small groups searched side by side (see KeySearch).
        var keys = Literals.Count == 0 ? ["\u0001\u0002\u0003"] : Literals.ToArray();
        if (Comparison == StringComparison.Ordinal && Literals.Count > 0)
        {
            // Keys with a rare character are found through it; only the rest go to the multi-string search.
            keys = BuildAnchors(Literals);
        }

        KeyGroups = keys.Chunk(KeysPerGroup).Select(g => SearchValues.Create(g, Comparison)).ToArray();
        foreach (var (literal, list) in literalToPatterns)
        {
            var key = PrefixKey(literal[0], literal[1], Comparison);
            if (!byPrefix.TryGetValue(key, out var bucket))
            {
                byPrefix[key] = bucket = [];
            }

            bucket.Add((literal, list.ToArray()));
        }
    }

    public IReadOnlyList<Signature> Signatures { get; }

    /// <summary>The search keys: for each literal a pattern requires, the part of it that is searched.</summary>
    public IReadOnlyList<string> Literals { get; }

    /// <summary>Ordinal, or ordinal ignoring case when some pattern ignores case.</summary>
    public StringComparison Comparison { get; }

    /// <summary>Shortest key taken from a literal (shorter literals are searched whole).</summary>
    public const int KeyLength = 12;

    /// <summary>
    /// The part of a required literal to search for: a substring of up to <see cref="KeyLength"/> characters
    /// (any substring of a required literal is itself required) whose first three characters are least
    /// like ordinary text: capitals, digits and punctuation score higher than lower-case letters, spaces
    /// lowest, and the ubiquitous NVIDIA facility prefix <c>NVRM</c> is avoided. Ties go to the earliest start.
    /// </summary>
    public static string SearchKey(string literal)
    {
        if (literal.Length <= KeyLength)
        {
            return literal;
        }

        var best = 0;
        var bestScore = int.MinValue;
        for (var i = 0; i + KeyLength <= literal.Length; i++)
        {
            var score = Rarity(literal[i]) + Rarity(literal[i + 1]) + Rarity(literal[i + 2]);
            if (string.CompareOrdinal(literal, i, "NVRM", 0, 4) == 0)
            {
                score -= 10;
            }

            if (score > bestScore)
            {
                best = i;
                bestScore = score;
            }
        }

        return literal.Substring(best, KeyLength);
    }

    private static int Rarity(char c) => c switch
    {
        ' ' => 0,
        >= 'a' and <= 'z' => 1,
        >= 'A' and <= 'Z' or >= '0' and <= '9' or '_' => 3,
        _ => 2,
    };

    internal IReadOnlyList<PatternRef> Patterns { get; }

    /// <summary>Patterns with no literal: their regex runs on every record (none among the built-ins).</summary>
    internal IReadOnlyList<int> UnfilteredPatterns { get; }

    /// <summary>Keys per vectorised search instance.</summary>
    internal const int KeysPerGroup = 16;

    internal IReadOnlyList<SearchValues<string>> KeyGroups { get; }

    /// <summary>
    /// The anchor characters: for each key the character in it that is rarest in kernel-log text (see
    /// <see cref="AnchorRank"/>). Every occurrence of a key contains its anchor, so one vectorised
    /// single-pass <c>IndexOfAny</c> over this small set, with the keys verified at each anchor found, finds
    /// exactly what the multi-string search finds, an order of magnitude faster on log text (ripgrep's
    /// rare-byte prefilter). Null when some pattern ignores case (then <see cref="KeyGroups"/> are used).
    /// </summary>
    internal SearchValues<char>? AnchorChars { get; private set; }

    /// <summary>Per ASCII anchor character, the keys anchored on it and the anchor's offset in each.</summary>
    internal (string Key, int Offset)[][] AsciiAnchors { get; private set; } = [];

    /// <summary>The same for non-ASCII anchor characters.</summary>
    internal Dictionary<char, (string Key, int Offset)[]> OtherAnchors { get; } = [];

    /// <summary>The largest anchor offset: a key starting at s has its anchor at most this far after s.</summary>
    internal int MaxAnchorOffset { get; private set; }

    /// <summary>
    /// Printable ASCII from rarest to most common in kernel logs (byte counts over the corpus logs; letters
    /// and digits common everywhere, space most). Control and non-ASCII characters rank rarer than all.
    /// </summary>
    private const string AnchorRank = "\"%?\\^`$&{}~Y<;Z>QJ+K|j#'zWq@!BXHF/OLyE=TwUSG()D,ACVIxbkg-MPN][9h*7Rv_5p68fu4m.3c2ld1sonrai:te0 ";

    /// <summary>Characters too common in log text to anchor on: lower-case letters (but j, q, z), digits, space and
    /// the punctuation of timestamps, addresses and prefixes. A key made only of these is left to the multi-string search.</summary>
    private static readonly SearchValues<char> CommonChars = SearchValues.Create("abcdefghiklmnoprstuvwxy0123456789 :.,[]-()/=_\t");

    private static int AnchorCost(char c)
    {
        var rank = AnchorRank.IndexOf(c);
        return rank >= 0 ? rank + 1 : 0;
    }

    /// <summary>Anchors every key that has a rare character; returns the keys that have none.</summary>
    private string[] BuildAnchors(IEnumerable<string> keys)
    {
        var byChar = new Dictionary<char, List<(string, int)>>();
        var rest = new List<string>();
        foreach (var key in keys)
        {
            var best = 0;
            for (var i = 1; i < key.Length; i++)
            {
                if (AnchorCost(key[i]) < AnchorCost(key[best]))
                {
                    best = i;
                }
            }

            if (CommonChars.Contains(key[best]))
            {
                rest.Add(key);
                continue;
            }

            if (!byChar.TryGetValue(key[best], out var list))
            {
                byChar[key[best]] = list = [];
            }

            list.Add((key, best));
            MaxAnchorOffset = Math.Max(MaxAnchorOffset, best);
        }

        var ascii = new (string, int)[128][];
        Array.Fill(ascii, []);
        foreach (var (c, list) in byChar)
        {
            if (c < 128)
            {
                ascii[c] = list.ToArray();
            }
            else
            {
                OtherAnchors[c] = list.ToArray();
            }
        }

        AsciiAnchors = ascii;
        AnchorChars = SearchValues.Create(byChar.Keys.Order().ToArray());
        return rest.ToArray();
    }

    /// <summary>True when the text contains a literal of some pattern: only then can a record match.</summary>
    public bool MayMatch(ReadOnlySpan<char> text) => UnfilteredPatterns.Count > 0 || new KeySearch(this).Next(text, 0) >= 0;

    /// <summary>Calls <paramref name="visit"/> with the index of every pattern whose literal occurs in the text.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void ForEachTriggered(ReadOnlySpan<char> text, Action<int> visit)
    {
        var search = new KeySearch(this);
        var offset = 0;
        while (offset < text.Length)
        {
            var at = search.Next(text, offset);
            if (at < 0)
            {
                return;
            }

            if (at + 1 < text.Length && byPrefix.TryGetValue(PrefixKey(text[at], text[at + 1], Comparison), out var bucket))
            {
                foreach (var (literal, patterns) in bucket)
                {
                    if (text[at..].StartsWith(literal, Comparison))
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

    private static (char, char) PrefixKey(char a, char b, StringComparison comparison) =>
        comparison == StringComparison.Ordinal ? (a, b) : (char.ToLowerInvariant(a), char.ToLowerInvariant(b));

    internal sealed record PatternRef(int Signature, int Pattern, bool IsFollowUp, LinePattern Line);
}

/// <summary>
/// Finds the next occurrence of any search key at or after a position, over several small key groups:
/// each group remembers its own next hit and searches again only once the caller has moved past it, so
/// every group scans the text once.
/// </summary>
internal struct KeySearch
{
    private readonly SignatureSet set;
    private readonly int[] next;

    public KeySearch(SignatureSet set)
    {
        this.set = set;
        next = new int[set.KeyGroups.Count];
        Array.Fill(next, -2); // -2: not searched yet; -1: no more hits
    }

    /// <summary>Index of the next key occurrence at or after <paramref name="from"/>, or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public readonly int Next(ReadOnlySpan<char> text, int from)
    {
        var grouped = next.Length == 0 ? -1 : NextGrouped(text, from);
        if (set.AnchorChars is not { } anchors)
        {
            return grouped;
        }

        // Anchored keys only need looking at before the multi-string search's hit.
        var anchored = NextAnchored(text, from, anchors, grouped < 0 ? text.Length : Math.Min(text.Length, grouped + set.MaxAnchorOffset));
        return anchored >= 0 && (grouped < 0 || anchored < grouped) ? anchored : grouped;
    }

    /// <summary>
    /// The earliest key start at or after <paramref name="from"/>: anchors are scanned left to right and keys
    /// verified at each; once one is found at s, only anchors up to s + <see cref="SignatureSet.MaxAnchorOffset"/>
    /// can still belong to an earlier key, so the scan stops there.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private readonly int NextAnchored(ReadOnlySpan<char> text, int from, SearchValues<char> anchors, int scanEnd)
    {
        var best = -1;
        var p = from;
        while (p < scanEnd)
        {
            var limit = best < 0 ? scanEnd : Math.Min(scanEnd, best + set.MaxAnchorOffset + 1);
            if (p >= limit)
            {
                break;
            }

            var i = text[p..limit].IndexOfAny(anchors);
            if (i < 0)
            {
                break;
            }

            p += i;
            var c = text[p];
            var candidates = c < 128 ? set.AsciiAnchors[c] : set.OtherAnchors.GetValueOrDefault(c, []);
            foreach (var (key, offset) in candidates)
            {
                var s = p - offset;
                if (s >= from && (best < 0 || s < best) && s + key.Length <= text.Length && text.Slice(s, key.Length).SequenceEqual(key))
                {
                    best = s;
                }
            }

            p++;
        }

        return best;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private readonly int NextGrouped(ReadOnlySpan<char> text, int from)
    {
        var best = -1;
        for (var g = 0; g < next.Length; g++)
        {
            if (next[g] == -2 || (next[g] >= 0 && next[g] < from))
            {
                var found = text[from..].IndexOfAny(set.KeyGroups[g]);
                next[g] = found < 0 ? -1 : from + found;
            }

            if (next[g] >= 0 && (best < 0 || next[g] < best))
            {
                best = next[g];
            }
        }

        return best;
    }
}
