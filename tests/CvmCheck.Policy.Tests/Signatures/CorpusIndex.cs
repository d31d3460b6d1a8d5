using System.Text.RegularExpressions;
using CvmCheck.Testing;

namespace CvmCheck.Policy.Tests.Signatures;

/// <summary>Reads fixtures/logs/INDEX.md: file → expected ids (first is primary; "healthy" = no failure).</summary>
internal static partial class CorpusIndex
{
    public static readonly string[] Informational = ["healthy", "tdx.guest-detected", "gpu.cc-mode-on"];

    public static IReadOnlyList<(string File, IReadOnlyList<string> Expected)> Rows()
    {
        var rows = new List<(string, IReadOnlyList<string>)>();
        foreach (var line in File.ReadLines(Repo.Fixture("logs", "INDEX.md")))
        {
            if (!line.StartsWith("| ", StringComparison.Ordinal) || line.StartsWith("| file", StringComparison.Ordinal))
            {
                continue;
            }

            var cells = line.Trim().Trim('|').Split('|').Select(c => c.Trim()).ToArray();
            if (cells.Length >= 3 && cells[0].EndsWith(".log", StringComparison.Ordinal))
            {
                rows.Add((cells[0], IdPattern().Matches(cells[2]).Select(m => m.Value).ToArray()));
            }
        }

        return rows;
    }

    [GeneratedRegex(@"[a-z]+\.[a-z0-9\-\.]+|healthy")]
    private static partial Regex IdPattern();
}
