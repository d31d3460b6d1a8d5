using CvmCheck.Core.Bundles;
using CvmCheck.Testing;

namespace CvmCheck.Core.Tests.Bundles;

/// <summary>Inputs that once crashed the bundle reader under AFL++ (fixtures/fuzz-regressions/PROVENANCE.md).</summary>
public sealed class BundleFuzzRegressionTests
{
    public static TheoryData<string> Inputs()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.EnumerateFiles(Repo.Fixture("fuzz-regressions", "bundle")).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(f));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void A_malformed_pax_header_is_an_unreadable_bundle_not_a_crash(string file)
    {
        using var stream = File.OpenRead(Repo.Fixture("fuzz-regressions", "bundle", file));
        var e = Assert.Throws<BundleUnreadableException>(() => BundleVerifier.Verify(stream, new BundleVerifyOptions { AllowUnsigned = true }));
        Assert.Contains("unreadable", e.Message, StringComparison.Ordinal);
    }
}
