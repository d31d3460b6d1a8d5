using CvmCheck.Core.Diagnosis;
using CvmCheck.Core.Rules;

namespace CvmCheck.Core.Tests.Diagnosis;

/// <summary>The anchored key search (rare character + verify, keys without a rare character left to the
/// multi-string search) must find exactly the earliest key occurrence a plain search finds.</summary>
public sealed class KeySearchTests
{
    private static Signature Sig(string id, params string[] regexes) => new()
    {
        Id = id, Title = id, Severity = Severity.High, Remediation = "fix",
        Matches = regexes.Select(r => new SignaturePattern { Line = LinePattern.Create(r) }).ToArray(),
    };

    private static readonly SignatureSet Set = new(
    [
        Sig("a", @"RmInitAdapter failed! \((?<code>[^)]+)\)", "Xid \\(PCI:", "fallen off the bus and is not responding"),
        Sig("b", "swiotlb buffer is full", "module initi", "nouveau ", "GPU lost from the bus", "kgspLogRpcTimeout: \\*"),
        Sig("c", "\\] Request device \\[", "an't reserve", "regvalue: ", "Ünïcode key", "cryption failed"),
    ]);

    private static int Reference(string text, int from)
    {
        var best = -1;
        foreach (var key in Set.Literals)
        {
            var at = text.IndexOf(key, from, StringComparison.Ordinal);
            if (at >= 0 && (best < 0 || at < best))
            {
                best = at;
            }
        }

        return best;
    }

    [Fact]
    public void Anchors_are_used_for_the_built_in_comparison()
    {
        Assert.NotNull(Set.AnchorChars);
        Assert.True(Set.KeyGroups.Count >= 1); // the all-lower-case keys
    }

    [Fact]
    public void Finds_the_same_earliest_occurrence_as_a_plain_search()
    {
        var random = new Random(12345);
        var pieces = Set.Literals.Concat(["[  12.3] ", "NVRM: ", "\n", " ", "GPU", "Xid", "Rm", "bus", "(", "Ü", "fallen off", "an't", "]"]).ToArray();
        for (var round = 0; round < 2000; round++)
        {
            var text = string.Concat(Enumerable.Range(0, random.Next(1, 40)).Select(_ =>
            {
                var piece = pieces[random.Next(pieces.Length)];
                // Cut keys at random so near misses (a key's prefix or suffix only) are common.
                return random.Next(3) == 0 && piece.Length > 2 ? piece[random.Next(piece.Length / 2)..random.Next(piece.Length / 2 + 1, piece.Length)] : piece;
            }));
            var search = new KeySearch(Set);
            var from = 0;
            while (from <= text.Length)
            {
                var expected = Reference(text, from);
                Assert.Equal(expected, search.Next(text, from));
                if (expected < 0)
                {
                    break;
                }

                from = expected + 1 + random.Next(3);
            }
        }
    }
}
