namespace CvmCheck.Formats.Versions;

/// <summary>
/// A version range (DESIGN.md §4): space-separated comparators that must all hold, alternatives
/// joined by <c>||</c>. Comparators: <c>=</c>, <c>==</c>, <c>!=</c>, <c>&gt;</c>, <c>&gt;=</c>,
/// <c>&lt;</c>, <c>&lt;=</c>; a bare version means <c>=</c>. Example: <c>&gt;=550.127.05 &lt;560 || &gt;=565.57.01</c>.
/// </summary>
public sealed class VersionRange
{
    private readonly IReadOnlyList<IReadOnlyList<Comparator>> alternatives;

    private VersionRange(string text, IReadOnlyList<IReadOnlyList<Comparator>> alternatives)
    {
        Text = text;
        this.alternatives = alternatives;
    }

    public string Text { get; }

    public static bool TryParse(string? text, out VersionRange range, out string error)
    {
        range = null!;
        error = string.Empty;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "empty version range";
            return false;
        }

        var alts = new List<IReadOnlyList<Comparator>>();
        foreach (var alt in text.Split("||"))
        {
            var tokens = alt.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (tokens.Length == 0)
            {
                error = $"empty alternative in '{text}'";
                return false;
            }

            var comparators = new List<Comparator>();
            for (var i = 0; i < tokens.Length; i++)
            {
                var token = tokens[i];
                var op = ReadOperator(token, out var rest);

                // Allow a space between operator and version: ">= 6.10".
                if (rest.Length == 0 && i + 1 < tokens.Length)
                {
                    rest = tokens[++i];
                }

                if (!VersionNumber.TryParse(rest, out var version))
                {
                    error = $"'{token}' in '{text}' is not a comparator (expected e.g. >=550.127.05)";
                    return false;
                }

                comparators.Add(new Comparator(op, version));
            }

            alts.Add(comparators);
        }

        range = new VersionRange(text.Trim(), alts);
        return true;
    }

    public static VersionRange Parse(string text) =>
        TryParse(text, out var r, out var error) ? r : throw new FormatException(error);

    public bool Contains(VersionNumber version) =>
        alternatives.Any(all => all.All(c => c.Holds(version)));

    public override string ToString() => Text;

    private static string ReadOperator(string token, out string rest)
    {
        foreach (var op in (string[])[">=", "<=", "==", "!=", ">", "<", "="])
        {
            if (token.StartsWith(op, StringComparison.Ordinal))
            {
                rest = token[op.Length..];
                return op;
            }
        }

        rest = token;
        return "=";
    }

    private sealed record Comparator(string Op, VersionNumber Version)
    {
        public bool Holds(VersionNumber v)
        {
            var c = v.CompareTo(Version);
            return Op switch
            {
                ">=" => c >= 0,
                "<=" => c <= 0,
                ">" => c > 0,
                "<" => c < 0,
                "!=" => c != 0,
                _ => c == 0,
            };
        }
    }
}
