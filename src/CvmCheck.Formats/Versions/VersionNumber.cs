namespace CvmCheck.Formats.Versions;

/// <summary>
/// A dotted version as found on NVIDIA drivers (<c>550.127.05</c>), VBIOS images (<c>96.00.9D.00.02</c>)
/// and kernels (<c>6.2.0-mvp10v1+8-generic</c>). Ordering (DESIGN.md §4): fields compare numerically;
/// hex digits are allowed so VBIOS fields order correctly (for digit-only fields hex and decimal
/// order agree); a field that is not a number sorts after every numeric field and among its kind
/// ordinally; missing fields count as 0; a local part after the first <c>-</c> or <c>+</c> is kept
/// for display and ignored for ordering. The order is total and consistent with equality.
/// </summary>
public sealed class VersionNumber : IComparable<VersionNumber>, IEquatable<VersionNumber>
{
    private readonly string[] fields;

    private VersionNumber(string text, string[] fields, string? local)
    {
        Text = text;
        this.fields = fields;
        Local = local;
    }

    /// <summary>The text as given.</summary>
    public string Text { get; }

    /// <summary>The part after the first '-' or '+' (kernel flavour, build), or null.</summary>
    public string? Local { get; }

    public IReadOnlyList<string> Fields => fields;

    public static bool TryParse(string? text, out VersionNumber version)
    {
        version = null!;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var trimmed = text.Trim();
        var cut = trimmed.IndexOfAny(['-', '+']);
        var main = cut < 0 ? trimmed : trimmed[..cut];
        var local = cut < 0 ? null : trimmed[(cut + 1)..];
        if (main.Length == 0)
        {
            return false;
        }

        var parts = main.Split('.');
        foreach (var part in parts)
        {
            if (part.Length == 0 || !part.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '~'))
            {
                return false;
            }
        }

        version = new VersionNumber(trimmed, parts, local);
        return true;
    }

    public static VersionNumber Parse(string text) =>
        TryParse(text, out var v) ? v : throw new FormatException($"'{text}' is not a version (expected dot-separated fields such as 550.127.05)");

    public int CompareTo(VersionNumber? other)
    {
        if (other is null)
        {
            return 1;
        }

        var n = Math.Max(fields.Length, other.fields.Length);
        for (var i = 0; i < n; i++)
        {
            var a = i < fields.Length ? fields[i] : "0";
            var b = i < other.fields.Length ? other.fields[i] : "0";
            var c = CompareField(a, b);
            if (c != 0)
            {
                return c;
            }
        }

        return 0;
    }

    public bool Equals(VersionNumber? other) => other is not null && CompareTo(other) == 0;

    public override bool Equals(object? obj) => obj is VersionNumber v && Equals(v);

    public override int GetHashCode()
    {
        // Consistent with CompareTo: trailing zero fields and leading zeros/case in hex fields do not matter.
        var hash = new HashCode();
        var last = fields.Length - 1;
        while (last >= 0 && IsNumeric(fields[last]) && NormalizeNumeric(fields[last]) == "0")
        {
            last--;
        }

        for (var i = 0; i <= last; i++)
        {
            hash.Add(IsNumeric(fields[i]) ? NormalizeNumeric(fields[i]) : fields[i], StringComparer.Ordinal);
        }

        return hash.ToHashCode();
    }

    public override string ToString() => Text;

    public static bool operator <(VersionNumber a, VersionNumber b) => a.CompareTo(b) < 0;

    public static bool operator >(VersionNumber a, VersionNumber b) => a.CompareTo(b) > 0;

    public static bool operator <=(VersionNumber a, VersionNumber b) => a.CompareTo(b) <= 0;

    public static bool operator >=(VersionNumber a, VersionNumber b) => a.CompareTo(b) >= 0;

    public static bool operator ==(VersionNumber? a, VersionNumber? b) => a is null ? b is null : a.Equals(b);

    public static bool operator !=(VersionNumber? a, VersionNumber? b) => !(a == b);

    private static int CompareField(string a, string b)
    {
        var an = IsNumeric(a);
        var bn = IsNumeric(b);
        if (an && bn)
        {
            var na = NormalizeNumeric(a);
            var nb = NormalizeNumeric(b);
            var byLength = na.Length.CompareTo(nb.Length);
            return byLength != 0 ? byLength : Math.Sign(string.CompareOrdinal(na, nb));
        }

        if (an != bn)
        {
            return an ? -1 : 1;
        }

        return Math.Sign(string.CompareOrdinal(a, b));
    }

    private static bool IsNumeric(string field) => field.All(char.IsAsciiHexDigit);

    private static string NormalizeNumeric(string field)
    {
        var s = field.TrimStart('0').ToUpperInvariant();
        return s.Length == 0 ? "0" : s;
    }
}
