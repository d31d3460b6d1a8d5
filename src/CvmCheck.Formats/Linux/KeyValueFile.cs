namespace CvmCheck.Formats.Linux;

/// <summary>
/// Line-oriented <c>KEY=value</c> / <c>Key: value</c> files: <c>/etc/os-release</c> (shell-quoted values),
/// <c>/proc/driver/nvidia/params</c> (<c>Name: value</c>), kernel <c>.config</c>
/// (<c>CONFIG_X=y</c>, <c># CONFIG_X is not set</c>). Each entry keeps its 1-based line.
/// </summary>
public static class KeyValueFile
{
    public sealed record Entry(string Key, string Value, int Line);

    public static IReadOnlyList<Entry> ParseOsRelease(string text) =>
        Lines(text).Select(l => SplitAt(l.Text, '=') is var (k, v) && IsIdentifier(k) ? new Entry(k, Unquote(v), l.Number) : null)
            .OfType<Entry>().ToArray();

    public static IReadOnlyList<Entry> ParseColonSeparated(string text) =>
        Lines(text).Select(l => SplitAt(l.Text, ':') is var (k, v) && IsIdentifier(k) ? new Entry(k, v.Trim(), l.Number) : null)
            .OfType<Entry>().ToArray();

    /// <summary>Kernel config: <c>y</c>, <c>m</c>, <c>n</c> (from "is not set"), or the literal value for strings/ints.</summary>
    public static IReadOnlyList<Entry> ParseKernelConfig(string text)
    {
        var entries = new List<Entry>();
        foreach (var (number, line) in Lines(text))
        {
            if (line.StartsWith("# CONFIG_", StringComparison.Ordinal) && line.EndsWith(" is not set", StringComparison.Ordinal))
            {
                entries.Add(new Entry(line[2..^" is not set".Length], "n", number));
            }
            else if (line.StartsWith("CONFIG_", StringComparison.Ordinal) && SplitAt(line, '=') is var (k, v) && IsIdentifier(k))
            {
                entries.Add(new Entry(k, Unquote(v), number));
            }
        }

        return entries;
    }

    private static IEnumerable<(int Number, string Text)> Lines(string text)
    {
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var t = lines[i].Trim();
            if (t.Length > 0)
            {
                yield return (i + 1, t);
            }
        }
    }

    private static (string, string)? SplitAt(string line, char separator)
    {
        var at = line.IndexOf(separator);
        return at <= 0 ? null : (line[..at].Trim(), line[(at + 1)..].Trim());
    }

    private static bool IsIdentifier(string s) => s.Length > 0 && s.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    private static string Unquote(string v) =>
        v.Length >= 2 && (v[0] == '"' || v[0] == '\'') && v[^1] == v[0] ? v[1..^1] : v;
}
