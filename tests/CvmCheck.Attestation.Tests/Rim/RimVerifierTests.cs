using System.Text.Json;
using CvmCheck.Attestation.Gpu;
using CvmCheck.Attestation.Rim;
using CvmCheck.Attestation.Tests.Gpu;

namespace CvmCheck.Attestation.Tests.Rim;

public sealed class RimVerifierTests
{
    public static TheoryData<string> RimEntries => new(GpuFixtures.ExpectedEntries
        .Where(e => e.Value.ValueKind == JsonValueKind.Object && e.Value.TryGetProperty("digest_ok", out _))
        .Select(e => e.Name));

    private static RimVerification Verify(string relative, DateTimeOffset at) =>
        RimVerifier.Verify(relative, File.ReadAllBytes(GpuFixtures.Path(relative)), at);

    [Theory]
    [MemberData(nameof(RimEntries))]
    public void Rim_digest_signature_and_chain_are_as_expected(string relative)
    {
        var expected = GpuFixtures.ExpectedFor(relative);

        var result = Verify(relative, GpuFixtures.RimsValid);

        Assert.Equal(expected.GetProperty("digest_ok").GetBoolean(), result.DigestValid);
        Assert.Equal(expected.GetProperty("sig_ok").GetBoolean(), result.SignatureValid);
        Assert.Equal(expected.GetProperty("chain_ok_ignoring_time").GetBoolean(), result.ChainValid);
        Assert.Equal(expected.GetProperty("colloquialVersion").GetString(), result.Manifest!.ColloquialVersion);
        Assert.Equal(expected.GetProperty("active_indices").EnumerateArray().Select(i => i.GetInt32()), result.Manifest.ActiveMeasurements.Select(m => m.Index));
        foreach (var multi in expected.GetProperty("multi_alternative").EnumerateObject())
        {
            Assert.Equal(multi.Value.GetInt32(), result.Manifest.Measurements.Single(m => m.Index.ToString(System.Globalization.CultureInfo.InvariantCulture) == multi.Name).Alternatives.Count);
        }
    }

    [Theory]
    [InlineData("time_checks/rim_chains_at_2024-06-01T00:00:00", 2024, 6)]
    [InlineData("time_checks/rim_chains_at_2026-01-01T00:00:00", 2026, 1)]
    public void Rim_signing_chains_are_valid_only_within_their_certificates_windows(string key, int year, int month)
    {
        var at = new DateTimeOffset(year, month, 1, 0, 0, 0, TimeSpan.Zero);
        foreach (var entry in GpuFixtures.ExpectedFor(key).EnumerateObject())
        {
            var relative = entry.Name.StartsWith("negatives/", StringComparison.Ordinal) ? entry.Name : "rims/" + entry.Name;

            var result = Verify(relative, at);

            Assert.True(entry.Value.GetBoolean() == (result.ChainValid && result.TimeValid), $"{entry.Name} at {at:u}");
        }
    }

    [Fact]
    public void Rim_edited_after_signing_is_rejected_by_the_reference_digest_though_SignedInfo_verifies()
    {
        var result = Verify("negatives/derived_rim_modified_measurement.swidtag", GpuFixtures.RimsValid);

        Assert.False(result.DigestValid);
        Assert.True(result.SignatureValid);
        Assert.False(result.IsValid);
    }

    [Fact]
    public void Rim_anchored_to_a_non_root_certificate_fails_its_chain()
    {
        var wrongRoot = CertificateFiles.ReadFile(GpuFixtures.Path("negatives", "nvat_incorrect_rim_root.crt")).Single();
        var xml = File.ReadAllBytes(GpuFixtures.Path("rims", "vbios", "1010_0200_882_96005E0001_PROD.swidtag"));

        var result = RimVerifier.Verify("PROD", xml, GpuFixtures.RimsValid, wrongRoot);

        Assert.True(result.SignatureValid);
        Assert.False(result.ChainValid);
    }

    [Fact]
    public void Unsigned_or_non_xml_input_is_reported_as_malformed()
    {
        Assert.True(RimVerifier.Verify("x", "not xml"u8.ToArray(), GpuFixtures.RimsValid).Malformed);
        var unsigned = RimVerifier.Verify("y", """<SoftwareIdentity xmlns="http://standards.iso.org/iso/19770/-2/2015/schema.xsd"><Meta colloquialVersion="1.0"/></SoftwareIdentity>"""u8.ToArray(), GpuFixtures.RimsValid);
        Assert.True(unsigned.Malformed);
        Assert.Contains(unsigned.Errors, e => e.Contains("unsigned", StringComparison.Ordinal));
    }

    public static TheoryData<string, string, string> MatchCases
    {
        get
        {
            var data = new TheoryData<string, string, string>();
            foreach (var entry in GpuFixtures.ExpectedEntries)
            {
                var reportKey = entry.Name switch
                {
                    var n when n.StartsWith("reports/", StringComparison.Ordinal) => n,
                    "negatives/nvat_expired_rim_vs_h100_570.124.03" => "reports/h100_570.124.03_vbios_96.00.5E.00.04",
                    "negatives/nvat_mismatch_rims_vs_h100_535.86.09" => "reports/h100_535.86.09_vbios_96.00.5E.00.01",
                    _ => null,
                };
                var table = reportKey is null ? default : entry.Name.StartsWith("reports/", StringComparison.Ordinal)
                    ? (entry.Value.TryGetProperty("rim_match", out var m) ? m : default)
                    : entry.Value;
                if (reportKey is null || table.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                foreach (var rim in table.EnumerateObject())
                {
                    data.Add(reportKey, rim.Name, rim.Value.GetRawText());
                }
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(MatchCases))]
    public void Report_measurements_match_the_rim_exactly_as_expected(string reportKey, string rimFile, string expectedJson)
    {
        using var expected = JsonDocument.Parse(expectedJson);
        var report = GpuFixtures.Report(reportKey);
        var rim = ReferenceIntegrityManifest.Parse(File.ReadAllBytes(GpuFixtures.FindRim(rimFile)!));

        var table = MeasurementMatcher.Match(report, [(rimFile, rim)]);

        var matched = table.Where(m => m.Status == MeasurementStatus.Match).Select(m => m.Index);
        var mismatched = table.Where(m => m.Status == MeasurementStatus.Mismatch).Select(m => m.Index);
        Assert.Equal(expected.RootElement.GetProperty("matched").EnumerateArray().Select(i => i.GetInt32()), matched);
        Assert.Equal(expected.RootElement.GetProperty("mismatched").EnumerateArray().Select(i => i.GetInt32()), mismatched);
    }

    [Fact]
    public void Rim_index_is_spdm_block_index_minus_one()
    {
        var report = GpuFixtures.Report("reports/h100_545.00_vbios_96.00.5E.00.01");
        var rim = ReferenceIntegrityManifest.Parse(File.ReadAllBytes(GpuFixtures.FindRim("1010_0200_882_96005E0001_test_no_gpu.swidtag")!));
        var index1 = rim.Measurements.Single(m => m.Index == 1);

        Assert.Equal(index1.Alternatives[0], report.Block(2)!.Value.ToArray());
        Assert.NotEqual(index1.Alternatives[0], report.Block(1)!.Value.ToArray());
    }
}
