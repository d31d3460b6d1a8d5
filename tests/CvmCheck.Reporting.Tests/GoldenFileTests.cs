using CvmCheck.Testing;

namespace CvmCheck.Reporting.Tests;

/// <summary>
/// Each format's rendering of the sample report is compared byte for byte with a reviewed file under
/// <c>golden/</c>. To accept an intended change: <c>UPDATE_GOLDEN=1 dotnet test --filter GoldenFile</c>,
/// then review the diff.
/// </summary>
public sealed class GoldenFileTests
{
    [Theory]
    [InlineData("junit", "mixed.junit.xml")]
    [InlineData("sarif", "mixed.sarif")]
    [InlineData("prometheus", "mixed.prom")]
    [InlineData("nfd", "mixed.nfd")]
    public void Mixed_report_renders_as_the_golden_file(string format, string golden)
    {
        var actual = SampleReports.Render(format, SampleReports.Mixed());
        Golden.AssertMatches(golden, actual);
    }

    [Theory]
    [InlineData("junit", "passing.junit.xml")]
    [InlineData("sarif", "passing.sarif")]
    [InlineData("prometheus", "passing.prom")]
    [InlineData("nfd", "passing.nfd")]
    public void Passing_report_renders_as_the_golden_file(string format, string golden)
    {
        var actual = SampleReports.Render(format, SampleReports.Passing());
        Golden.AssertMatches(golden, actual);
    }
}

internal static class Golden
{
    public static string Directory => Path.Combine(Repo.Root, "tests", "CvmCheck.Reporting.Tests", "golden");

    public static void AssertMatches(string name, string actual)
    {
        var path = Path.Combine(Directory, name);
        if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(path, actual);
        }

        Assert.True(File.Exists(path), $"golden file {path} is missing; run with UPDATE_GOLDEN=1 to create it and review it");
        Assert.Equal(File.ReadAllText(path).ReplaceLineEndings("\n"), actual.ReplaceLineEndings("\n"));
    }
}
