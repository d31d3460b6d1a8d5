using System.Security.Cryptography;
using CvmCheck.Core.Bundles;
using CvmCheck.Formats.Tdx;

namespace CvmCheck.Core.Tests.Bundles;

/// <summary>The hardware binding (DESIGN.md §6): D = SHA-384(manifest.json), REPORTDATA = SHA-512(nonce ‖ D),
/// GPU request nonce = SHA-256(nonce ‖ D).</summary>
public sealed class BundleBindingTests
{
    [Fact]
    public void Binding_values_are_the_documented_hashes_of_nonce_and_manifest_digest()
    {
        var manifest = TestBundles.ManifestBytes(TestBundles.Small());
        var d = SHA384.HashData(manifest);

        Assert.Equal(d, BundleLayout.ManifestDigest(manifest));
        Assert.Equal(SHA512.HashData([.. TestBundles.Nonce, .. d]), BundleLayout.TdxReportData(TestBundles.Nonce, d));
        Assert.Equal(SHA256.HashData([.. TestBundles.Nonce, .. d]), BundleLayout.GpuRequestNonce(TestBundles.Nonce, d));
    }

    [Fact]
    public void Reportdata_of_a_v4_quote_is_at_quote_offset_568_as_the_tdx_parser_reads_it()
    {
        var reportData = RandomNumberGenerator.GetBytes(64);
        var quote = TestBundles.QuoteWithReportData(reportData);

        Assert.Equal(568, TestBundles.QuoteReportDataOffset); // 48-byte header + 520 into the TD report body
        Assert.Equal(reportData, TdxQuote.Parse(quote).Body.ReportData);
    }

    [Fact]
    public void Attested_bundle_whose_quote_binds_its_manifest_passes_the_binding()
    {
        var verification = TestBundles.Verify(TestBundles.Build(attest: true));

        Assert.True(verification.Valid, string.Join("\n", TestBundles.FailureDetails(verification)));
        Assert.Contains(verification.Checks, c => c.Name == BundleCheckNames.Binding && c.Status == BundleCheckStatus.Pass);
        Assert.Contains(verification.Checks, c => c.Name == BundleCheckNames.TdxQuote && c.Status == BundleCheckStatus.Skip && c.Detail.Contains("--collateral", StringComparison.Ordinal));
        Assert.Contains(verification.Checks, c => c.Name == BundleCheckNames.GpuReports && c.Status == BundleCheckStatus.Skip);
    }

    [Fact]
    public void Quote_that_binds_a_different_manifest_fails_the_binding()
    {
        var otherManifest = TestBundles.ManifestBytes(TestBundles.Small(), host: "another-vm");
        var otherReportData = BundleLayout.TdxReportData(TestBundles.Nonce, BundleLayout.ManifestDigest(otherManifest));

        var verification = TestBundles.Verify(TestBundles.Build(attest: true, quoteFor: _ => TestBundles.QuoteWithReportData(otherReportData)));

        Assert.Contains(verification.Failures, f => f.Name == BundleCheckNames.Binding && f.Detail.Contains("the quote binds a different manifest", StringComparison.Ordinal));
    }

    [Fact]
    public void Binding_copied_from_another_bundle_fails_on_the_manifest_digest()
    {
        var other = TestBundles.Build(attest: true, manifest: TestBundles.ManifestBytes(TestBundles.Small(), host: "another-vm"));
        var attestation = BundleReader.Read(new MemoryStream(other), new BundleReadOptions()).Attestation;
        var bundle = TestBundles.Repack(TestBundles.Build(), e => e.Concat(attestation.Select(a =>
            (System.Formats.Tar.TarEntry)new System.Formats.Tar.PaxTarEntry(System.Formats.Tar.TarEntryType.RegularFile, a.Key) { DataStream = new MemoryStream(a.Value) })));

        var failures = TestBundles.FailureDetails(TestBundles.Verify(bundle)).ToList();

        Assert.Contains(failures, f => f.Contains("manifestSha384", StringComparison.Ordinal) && f.Contains("is not SHA-384 of manifest.json", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("the quote binds a different manifest", StringComparison.Ordinal));
    }

    [Fact]
    public void Quote_missing_or_unexpected_attestation_files_are_each_reported()
    {
        var bundle = TestBundles.Repack(TestBundles.Build(attest: true), e => e
            .Where(x => x.Name != BundleLayout.TdxQuote)
            .Append(TestBundles.File("attestation/gpu-7.bin", "not from a GPU")));

        var failures = TestBundles.FailureDetails(TestBundles.Verify(bundle)).ToList();

        Assert.Contains("binding: 'attestation/gpu-7.bin': not named in attestation/binding.json", failures);
        Assert.Contains("binding: 'attestation/tdx-quote.bin': named in attestation/binding.json but missing", failures);
    }

    [Fact]
    public void Reformatted_binding_json_is_rejected_even_when_its_values_are_right()
    {
        var bundle = TestBundles.Build(attest: true);
        var binding = BundleReader.Read(new MemoryStream(bundle), new BundleReadOptions()).Attestation[BundleLayout.Binding];
        var compact = System.Text.Json.JsonSerializer.Serialize(System.Text.Json.JsonDocument.Parse(binding).RootElement, Core.Tests.Bundles.CompactJson.Default.JsonElement);
        var edited = TestBundles.Repack(bundle, e => e.Select(x => x.Name == BundleLayout.Binding ? TestBundles.File(x.Name, compact) : x));

        Assert.Contains(TestBundles.FailureDetails(TestBundles.Verify(edited)), f => f.Contains("not in the canonical form", StringComparison.Ordinal));
    }

    [Fact]
    public void Real_intel_quote_and_collateral_verify_while_the_binding_fails_for_a_quote_not_made_for_this_manifest()
    {
        var realQuote = File.ReadAllBytes(Path.Combine(TestBundles.QuoteFixture, "quote.bin"));
        var bundle = TestBundles.Build(attest: true, quoteFor: _ => realQuote);

        var verification = TestBundles.Verify(bundle, new BundleVerifyOptions
        {
            AllowUnsigned = true,
            Collateral = TestBundles.QuoteFixture,
            At = new DateTimeOffset(2025, 6, 20, 0, 0, 0, TimeSpan.Zero),
        });

        Assert.Contains(verification.Checks, c => c.Name == BundleCheckNames.TdxQuote && c.Status == BundleCheckStatus.Pass && c.Detail.Contains("UpToDate", StringComparison.Ordinal));
        Assert.Contains(verification.Failures, f => f.Name == BundleCheckNames.Binding);
    }

    [Fact]
    public void Quote_made_for_this_manifest_but_not_signed_by_intel_fails_the_collateral_check()
    {
        var verification = TestBundles.Verify(TestBundles.Build(attest: true), new BundleVerifyOptions
        {
            AllowUnsigned = true,
            Collateral = TestBundles.QuoteFixture,
            At = new DateTimeOffset(2025, 6, 20, 0, 0, 0, TimeSpan.Zero),
        });

        Assert.Contains(verification.Checks, c => c.Name == BundleCheckNames.Binding && c.Status == BundleCheckStatus.Pass);
        Assert.Contains(verification.Failures, f => f.Name == BundleCheckNames.TdxQuote && f.Detail.StartsWith("quote.signature", StringComparison.Ordinal));
    }
}
