using System.Text;

namespace CvmCheck.Core.Diagnosis;

/// <summary>
/// Derives, from a regular expression, literal text that every match must contain: for each top-level
/// alternative, its longest run of plain characters outside groups, classes and optional parts. The
/// matcher searches all literals of all signatures at once (vectorised) and runs a regex only on the few
/// records that contain one of its literals; this keeps a 1 GiB log to one fast pass. Conservative: when
/// an alternative has no literal of <see cref="MinimumLength"/> characters, the pattern gets none and its
/// regex runs on every record.
/// </summary>
public static class RegexLiterals
{
    public const int MinimumLength = 3;

    public static IReadOnlyList<string> Required(string pattern)
    {
        var literals = new List<string>();
        foreach (var alternative in TopLevelAlternatives(pattern))
        {
            var best = LongestRun(alternative);
            if (best.Length < MinimumLength)
            {
                return [];
            }

            literals.Add(best);
        }

        return literals.Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
    }

    private static IEnumerable<string> TopLevelAlternatives(string pattern)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < pattern.Length; i++)
        {
            switch (pattern[i])
            {
                case '\\':
                    i++;
                    break;
                case '[':
                    i = SkipClass(pattern, i);
                    break;
                case '(':
                    depth++;
                    break;
                case ')':
                    depth--;
                    break;
                case '|' when depth == 0:
                    yield return pattern[start..i];
                    start = i + 1;
                    break;
            }
        }

        yield return pattern[start..];
    }

    private static string LongestRun(string alternative)
    {
        var best = string.Empty;
        var run = new StringBuilder();

        void EndRun()
        {
            if (run.Length > best.Length)
            {
                best = run.ToString();
            }

            run.Clear();
        }

        for (var i = 0; i < alternative.Length; i++)
        {
            var c = alternative[i];
            switch (c)
            {
                case '\\' when i + 1 < alternative.Length:
                    var next = alternative[++i];
                    if (char.IsAsciiLetterOrDigit(next))
                    {
                        EndRun(); // \d \s \w \b \x41 \u0041 \1 …: not a plain character here
                    }
                    else
                    {
                        run.Append(next);
                    }

                    break;
                case '[':
                    EndRun();
                    i = SkipClass(alternative, i);
                    break;
                case '(':
                    EndRun();
                    i = SkipGroup(alternative, i);
                    break;
                case '*' or '?':
                    DropLast(run);
                    EndRun();
                    break;
                case '{':
                    DropLast(run);
                    EndRun();
                    var close = alternative.IndexOf('}', i);
                    i = close < 0 ? alternative.Length : close;
                    break;
                case '+':
                    EndRun();
                    break;
                case '.' or '^' or '$' or ')' or '|':
                    EndRun();
                    break;
                default:
                    run.Append(c);
                    break;
            }
        }

        EndRun();
        return best;
    }

    private static void DropLast(StringBuilder run)
    {
        if (run.Length > 0)
        {
            run.Length--;
        }
    }

    private static int SkipClass(string s, int open)
    {
        var i = open + 1;
        if (i < s.Length && s[i] == '^')
        {
            i++;
        }

        if (i < s.Length && s[i] == ']')
        {
            i++;
        }

        for (; i < s.Length; i++)
        {
            if (s[i] == '\\')
            {
                i++;
            }
            else if (s[i] == ']')
            {
                return i;
            }
        }

        return s.Length;
    }

    private static int SkipGroup(string s, int open)
    {
        var depth = 0;
        for (var i = open; i < s.Length; i++)
        {
            switch (s[i])
            {
                case '\\':
                    i++;
                    break;
                case '[':
                    i = SkipClass(s, i);
                    break;
                case '(':
                    depth++;
                    break;
                case ')':
                    depth--;
                    if (depth == 0)
                    {
                        return i;
                    }

                    break;
            }
        }

        return s.Length;
    }
}
