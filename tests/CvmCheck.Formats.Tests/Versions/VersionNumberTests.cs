using CsCheck;
using CvmCheck.Formats.Versions;

namespace CvmCheck.Formats.Tests.Versions;

public sealed class VersionNumberTests
{
    [Theory]
    [InlineData("550.127.05", "550.54.14", 1)]
    [InlineData("565.57.01", "565.57.1", 0)]
    [InlineData("6.12", "6.12.0", 0)]
    [InlineData("6.10.3", "6.12", -1)]
    [InlineData("96.00.9D.00.02", "96.00.99.00.01", 1)]
    [InlineData("96.00.A5.00.03", "96.00.9F.00.01", 1)]
    [InlineData("96.00.5e.00.01", "96.00.5E.00.01", 0)]
    [InlineData("6.2.0-mvp10v1+8-generic", "6.2.0", 0)]
    [InlineData("6.8.0-1014-intel", "6.8.0-90-generic", 0)]
    [InlineData("535.104.05", "535.86.09", 1)]
    [InlineData("1.rc1", "1.9", 1)]
    public void Versions_order_numerically_with_hex_vbios_fields_and_local_parts_ignored(string a, string b, int expected)
    {
        Assert.Equal(expected, Math.Sign(VersionNumber.Parse(a).CompareTo(VersionNumber.Parse(b))));
        Assert.Equal(-expected, Math.Sign(VersionNumber.Parse(b).CompareTo(VersionNumber.Parse(a))));
    }

    [Fact]
    public void Kernel_local_part_is_kept_for_display()
    {
        var v = VersionNumber.Parse("6.2.0-mvp10v1+8-generic");
        Assert.Equal("mvp10v1+8-generic", v.Local);
        Assert.Equal("6.2.0-mvp10v1+8-generic", v.ToString());
        Assert.Equal(["6", "2", "0"], v.Fields);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("1..2")]
    [InlineData("-generic")]
    [InlineData(".5")]
    public void Malformed_versions_are_rejected(string text) => Assert.False(VersionNumber.TryParse(text, out _));

    private static readonly Gen<string> Field = Gen.OneOf(
        Gen.Int[0, 999].Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        Gen.String[Gen.Char["0123456789ABCDEFabcdef"], 1, 3],
        Gen.String[Gen.Char["abcxyz0123"], 1, 4]);

    private static readonly Gen<VersionNumber> Version =
        Field.Array[1, 5].Select(fields => VersionNumber.Parse(string.Join('.', fields)));

    [Fact]
    public void Ordering_is_antisymmetric_and_total() =>
        Gen.Select(Version, Version).Sample((a, b) => Math.Sign(a.CompareTo(b)) == -Math.Sign(b.CompareTo(a)));

    [Fact]
    public void Ordering_is_transitive() =>
        Gen.Select(Version, Version, Version).Sample((a, b, c) =>
            !(a.CompareTo(b) <= 0 && b.CompareTo(c) <= 0) || a.CompareTo(c) <= 0, iter: 20_000);

    [Fact]
    public void Ordering_is_consistent_with_equality_and_hashing() =>
        Gen.Select(Version, Version).Sample((a, b) =>
            (a.CompareTo(b) == 0) == a.Equals(b) && (!a.Equals(b) || a.GetHashCode() == b.GetHashCode()));

    [Fact]
    public void Trailing_zero_fields_and_leading_zeros_do_not_change_equality_or_hash() =>
        Gen.Select(Version, Gen.Int[1, 3]).Sample((v, zeros) =>
        {
            var padded = VersionNumber.Parse(string.Join('.', v.Fields.Concat(Enumerable.Repeat("00", zeros))));
            return padded.Equals(v) && padded.GetHashCode() == v.GetHashCode();
        });
}
