namespace CvmCheck.Core.Facts;

/// <summary>A per-GPU fact reference: <c>gpu[*].cc.mode</c> (every GPU) or <c>gpu[0].cc.mode</c> (one).</summary>
public sealed record GpuSelector(int? Index, string Suffix)
{
    public static bool TryParse(string name, out GpuSelector selector)
    {
        selector = null!;
        if (!name.StartsWith("gpu[", StringComparison.Ordinal))
        {
            return false;
        }

        var close = name.IndexOf(']', 4);
        if (close < 0 || close + 2 > name.Length || name[close + 1] != '.')
        {
            return false;
        }

        var inside = name[4..close];
        var suffix = name[(close + 2)..];
        if (suffix.Length == 0)
        {
            return false;
        }

        if (inside == "*")
        {
            selector = new GpuSelector(null, suffix);
            return true;
        }

        if (inside.Length > 0 && inside.Length < 5 && inside.All(char.IsAsciiDigit))
        {
            selector = new GpuSelector(int.Parse(inside, System.Globalization.CultureInfo.InvariantCulture), suffix);
            return true;
        }

        return false;
    }

    public string NameFor(int index) => FactNames.ForGpu(index, Suffix);
}
