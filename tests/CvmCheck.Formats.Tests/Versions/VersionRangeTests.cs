using CsCheck;
using CvmCheck.Formats.Versions;

namespace CvmCheck.Formats.Tests.Versions;

public sealed class VersionRangeTests
{
    [Theory]
    [InlineData(">=6.10 <6.12", "6.11.0-26-generic", true)]
    [InlineData(">=6.10 <6.12", "6.12", false)]
    [InlineData(">=6.10 <6.12", "6.9.12", false)]
    [InlineData("<=565.57.01", "565.57.01", true)]
    [InlineData("<=565.57.01", "570.86.15", false)]
    [InlineData(">=535.104.05 <536 || >=550.54.14", "535.129.03", true)]
    [InlineData(">=535.104.05 <536 || >=550.54.14", "545.23.08", false)]
    [InlineData(">=535.104.05 <536 || >=550.54.14", "550.127.05", true)]
    [InlineData("550.127.05", "550.127.05", true)]
    [InlineData("!=550.127.05", "550.127.05", false)]
    [InlineData(">= 96.00.9D.00.00", "96.00.A5.00.01", true)]
    [InlineData(">96.00.99.00.01", "96.00.99.00.01", false)]
    public void Ranges_are_and_of_comparators_or_of_alternatives(string range, string version, bool contains) =>
        Assert.Equal(contains, VersionRange.Parse(range).Contains(VersionNumber.Parse(version)));

    [Theory]
    [InlineData("")]
    [InlineData(">=")]
    [InlineData(">=6.10 ||")]
    [InlineData("=> 6")]
    [InlineData(">=6..1")]
    public void Bad_ranges_are_rejected_with_a_message(string range)
    {
        Assert.False(VersionRange.TryParse(range, out _, out var error));
        Assert.NotEmpty(error);
    }

    [Fact]
    public void A_range_and_its_negation_partition_every_version()
    {
        var gen = Gen.Select(Gen.Int[0, 20], Gen.Int[0, 20], Gen.Int[0, 20], Gen.Int[0, 20]);
        gen.Sample((a, b, c, d) =>
        {
            var bound = $"{a}.{b}";
            var v = VersionNumber.Parse($"{c}.{d}");
            return VersionRange.Parse(">=" + bound).Contains(v) != VersionRange.Parse("<" + bound).Contains(v);
        });
    }
}
