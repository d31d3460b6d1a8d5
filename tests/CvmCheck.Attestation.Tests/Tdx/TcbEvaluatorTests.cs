using CvmCheck.Attestation.Tdx;

namespace CvmCheck.Attestation.Tests.Tdx;

public sealed class TcbEvaluatorTests
{
    [Theory]
    [InlineData(TcbStatus.UpToDate, TcbStatus.UpToDate, TcbStatus.UpToDate)]
    [InlineData(TcbStatus.UpToDate, TcbStatus.OutOfDate, TcbStatus.OutOfDate)]
    [InlineData(TcbStatus.SWHardeningNeeded, TcbStatus.OutOfDate, TcbStatus.OutOfDate)]
    [InlineData(TcbStatus.ConfigurationNeeded, TcbStatus.OutOfDate, TcbStatus.OutOfDateConfigurationNeeded)]
    [InlineData(TcbStatus.ConfigurationAndSWHardeningNeeded, TcbStatus.OutOfDate, TcbStatus.OutOfDateConfigurationNeeded)]
    [InlineData(TcbStatus.ConfigurationNeeded, TcbStatus.UpToDate, TcbStatus.ConfigurationNeeded)]
    [InlineData(TcbStatus.UpToDate, TcbStatus.Revoked, TcbStatus.Revoked)]
    [InlineData(TcbStatus.OutOfDate, TcbStatus.Revoked, TcbStatus.Revoked)]
    [InlineData(TcbStatus.SWHardeningNeeded, TcbStatus.UpToDate, TcbStatus.SWHardeningNeeded)]
    public void Module_or_qe_status_converges_into_the_platform_status_by_intel_rules(TcbStatus platform, TcbStatus other, TcbStatus expected) =>
        Assert.Equal(expected, TcbEvaluator.Converge(platform, other));

    [Theory]
    [InlineData("UpToDate", TcbStatus.UpToDate)]
    [InlineData("SWHardeningNeeded", TcbStatus.SWHardeningNeeded)]
    [InlineData("ConfigurationAndSWHardeningNeeded", TcbStatus.ConfigurationAndSWHardeningNeeded)]
    [InlineData("OutOfDateConfigurationNeeded", TcbStatus.OutOfDateConfigurationNeeded)]
    [InlineData("Revoked", TcbStatus.Revoked)]
    public void Intel_status_strings_round_trip(string text, TcbStatus status)
    {
        Assert.True(TcbStatusNames.TryParse(text, out var parsed));
        Assert.Equal(status, parsed);
        Assert.Equal(text, status.ToIntelString());
    }

    [Fact]
    public void Unknown_status_string_is_not_parsed_as_a_passing_status()
    {
        Assert.False(TcbStatusNames.TryParse("uptodate", out var parsed));
        Assert.Equal(TcbStatus.NoMatchingTcbLevel, parsed);
    }
}
