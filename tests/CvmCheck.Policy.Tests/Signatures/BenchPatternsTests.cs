using System.Text;
using CvmCheck.Policy.Signatures;
using CvmCheck.Testing;

namespace CvmCheck.Policy.Tests.Signatures;

/// <summary>
/// bench/patterns.txt is what ripgrep searches in bench/diagnose-vs-ripgrep.sh: the literal parts of the
/// signature knowledge base (the same literals cvmcheck's prefilter searches), escaped as regexes. It must
/// stay in step with the knowledge base; run with CVMCHECK_REGENERATE=1 to rewrite it.
/// </summary>
public sealed class BenchPatternsTests
{
    private const string RegexMetacharacters = @"\.+*?()|[]{}^$#&-~";

    internal static string Generate()
    {
        var sb = new StringBuilder();
        var literals = BuiltInSignatures.Load().Signatures
            .SelectMany(s => s.Matches)
            .SelectMany(p => p.Then is null ? p.Line.Literals : p.Line.Literals.Concat(p.Then.Line.Literals))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal);
        foreach (var literal in literals)
        {
            foreach (var c in literal)
            {
                if (RegexMetacharacters.Contains(c, StringComparison.Ordinal))
                {
                    sb.Append('\\');
                }

                sb.Append(c);
            }

            sb.Append('\n');
        }

        return sb.ToString();
    }

    [Fact]
    public void Bench_patterns_file_is_the_knowledge_base_literals()
    {
        var path = Path.Combine(Repo.Root, "bench", "patterns.txt");
        var expected = Generate();
        if (Environment.GetEnvironmentVariable("CVMCHECK_REGENERATE") == "1")
        {
            File.WriteAllText(path, expected);
        }

        Assert.Equal(expected, File.ReadAllText(path));
    }
}
