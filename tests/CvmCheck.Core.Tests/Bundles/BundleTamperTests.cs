using System.Formats.Tar;
using CvmCheck.Core.Bundles;
using CvmCheck.Testing;

namespace CvmCheck.Core.Tests.Bundles;

/// <summary>No change to a bundle's bytes goes unnoticed: every content byte, truncation and CRC.</summary>
public sealed class BundleTamperTests
{
    private static readonly TestCertificateAuthority Root = TestCertificateAuthority.CreateRoot();
    private static readonly BundleVerifyOptions Trusting = new() { Trust = [Root.PublicCertificate] };

    [Fact]
    public void Every_single_byte_flip_in_any_entry_content_of_a_signed_bundle_makes_it_invalid_or_unreadable()
    {
        var bundle = TestBundles.Build(signer: Root.IssueLeaf());
        Assert.True(TestBundles.Verify(bundle, Trusting).Valid);
        var tar = TestBundles.Gunzip(bundle);
        var regions = TestBundles.ContentRegions(tar);
        Assert.Equal(5, regions.Count); // manifest, signature, three artifacts

        var survivors = new List<string>();
        var flips = 0;
        foreach (var (name, offset, length) in regions)
        {
            for (var i = offset; i < offset + length; i++)
            {
                var tampered = (byte[])tar.Clone();
                tampered[i] ^= 0xff;
                flips++;
                try
                {
                    if (TestBundles.Verify(TestBundles.Gzip(tampered), Trusting).Valid)
                    {
                        survivors.Add($"{name}+{i - offset}");
                    }
                }
                catch (BundleUnreadableException)
                {
                    // exit 2: also a rejection
                }
            }
        }

        Assert.True(flips > 1500, $"only {flips} flips");
        Assert.Empty(survivors);
    }

    [Fact]
    public void Every_flip_of_an_attested_bundles_binding_or_reportdata_is_caught()
    {
        var bundle = TestBundles.Build(attest: true);
        Assert.True(TestBundles.Verify(bundle).Valid);
        var tar = TestBundles.Gunzip(bundle);
        var regions = TestBundles.ContentRegions(tar).ToDictionary(r => r.Name);
        var binding = regions[BundleLayout.Binding];
        var quote = regions[BundleLayout.TdxQuote];
        var targets = Enumerable.Range(0, (int)binding.Length).Select(i => binding.Offset + i)
            .Concat(Enumerable.Range(0, 64).Select(i => quote.Offset + TestBundles.QuoteReportDataOffset + i));

        foreach (var position in targets)
        {
            var tampered = (byte[])tar.Clone();
            tampered[position] ^= 0x01;
            Assert.False(TestBundles.Verify(TestBundles.Gzip(tampered)).Valid, $"flip at tar offset {position} not caught");
        }
    }

    [Fact]
    public void Truncation_at_any_point_is_unreadable_or_invalid()
    {
        var bundle = TestBundles.Build();

        for (var length = 0; length < bundle.Length; length++)
        {
            var truncated = bundle[..length];
            var e = Record.Exception(() => Assert.False(TestBundles.Verify(truncated).Valid));
            Assert.True(e is null or BundleUnreadableException, $"length {length}: {e}");
        }
    }

    [Fact]
    public void Gzip_crc_error_is_unreadable()
    {
        var bundle = TestBundles.Build();
        bundle[^8] ^= 0x01; // RFC 1952 §2.3.1: CRC32 is the 8th-last byte..5th-last

        var e = Assert.Throws<BundleUnreadableException>(() => TestBundles.Verify(bundle));

        Assert.Contains("unreadable", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Gzip_length_trailer_error_is_unreadable()
    {
        var bundle = TestBundles.Build();
        bundle[^1] ^= 0x01;

        Assert.Throws<BundleUnreadableException>(() => TestBundles.Verify(bundle));
    }

    [Theory]
    [InlineData(new byte[0], "empty")]
    [InlineData(new byte[] { 0x50, 0x4b, 0x03, 0x04 }, "not gzip")]
    [InlineData(new byte[] { 0x1f, 0x8b }, "unreadable")]
    public void Bytes_that_are_not_a_gzip_tar_are_unreadable(byte[] bytes, string message)
    {
        var e = Assert.Throws<BundleUnreadableException>(() => TestBundles.Verify(bytes));

        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Gzip_of_something_that_is_not_tar_is_unreadable()
    {
        var notTar = TestBundles.Gzip(System.Text.Encoding.UTF8.GetBytes(new string('x', 2000)));

        Assert.Throws<BundleUnreadableException>(() => TestBundles.Verify(notTar));
    }

    [Fact]
    public void Non_zero_data_after_the_tar_end_marker_is_invalid()
    {
        var tar = TestBundles.Gunzip(TestBundles.Build());
        var padded = tar.Concat(new byte[512]).Concat(System.Text.Encoding.UTF8.GetBytes("smuggled")).ToArray();

        var verification = TestBundles.Verify(TestBundles.Gzip(padded));

        Assert.Contains(verification.Failures, f => f.Detail.Contains("after the tar end-of-archive", StringComparison.Ordinal));
    }

    [Fact]
    public void Several_bad_artifacts_are_each_reported()
    {
        var tar = TestBundles.Gunzip(TestBundles.Build());
        foreach (var (name, offset, _) in TestBundles.ContentRegions(tar).Where(r => r.Name.StartsWith("artifacts/", StringComparison.Ordinal)))
        {
            tar[offset] ^= 0x20;
        }

        var verification = TestBundles.Verify(TestBundles.Gzip(tar));

        Assert.Equal(3, verification.Failures.Count(f => f.Name == BundleCheckNames.Artifacts && f.Detail.Contains("SHA-384", StringComparison.Ordinal)));
    }
}
