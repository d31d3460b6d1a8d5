using CvmCheck.Attestation.Gpu;
using CvmCheck.Attestation.Rim;

namespace CvmCheck.Attestation.Tests.Gpu;

public sealed class GpuReportVerifierTests
{
    private const string H100_550 = "h100_550.90.07_vbios_96.00.9F.00.01";
    private const string H100_545 = "h100_545.00_vbios_96.00.5E.00.01";

    private static GpuAttestationResult Verify(string reportDir, string chainFile, byte[]? nonce, DateTimeOffset? at = null)
    {
        using var verifier = new GpuReportVerifier(GpuFixtures.Chain(chainFile));
        return verifier.Verify(GpuFixtures.Report(reportDir), new GpuVerificationOptions { At = at ?? GpuFixtures.Later, ExpectedNonce = nonce });
    }

    private static VerificationStep Step(GpuAttestationResult r, string name) => Assert.Single(r.Steps, s => s.Name == name);

    [Theory]
    [MemberData(nameof(GpuFixtures.Reports), MemberType = typeof(GpuFixtures))]
    public void Genuine_report_with_its_chain_and_request_nonce_passes(string name)
    {
        var key = "reports/" + name;
        var expected = GpuFixtures.ExpectedFor(key);

        var result = Verify(key, $"reports/{name}/chain.pem", GpuFixtures.Nonce(key));

        Assert.True(result.SignatureValid);
        Assert.True(result.ChainValid);
        Assert.True(result.NonceMatches);
        var hasFwid = expected.GetProperty("fwid_ok").ValueKind == System.Text.Json.JsonValueKind.True;
        Assert.Equal(hasFwid ? true : null, result.FwidMatches);
        Assert.Equal(hasFwid ? StepStatus.Pass : StepStatus.Skip, Step(result, "certs.fwid").Status);
        Assert.Equal(StepStatus.Pass, result.Verdict);
        Assert.Equal("unknown", result.Revocation.StatusText);
        Assert.All(result.Measurements, m => Assert.Equal(MeasurementStatus.NoReference, m.Status));
        Assert.False(result.SetReady);
    }

    [Theory]
    [MemberData(nameof(GpuFixtures.Reports), MemberType = typeof(GpuFixtures))]
    public void Response_nonce_is_never_accepted_as_the_freshness_nonce(string name)
    {
        var key = "reports/" + name;
        var responseNonce = Convert.FromHexString(GpuFixtures.ExpectedFor(key).GetProperty("response_nonce").GetString()!);

        var result = Verify(key, $"reports/{name}/chain.pem", responseNonce);

        Assert.False(result.NonceMatches);
        Assert.Equal(GpuIssueCode.NonceMismatch, Step(result, "report.nonce").Code);
        Assert.Equal(StepStatus.Fail, result.Verdict);
    }

    [Fact]
    public void Nonce_of_another_report_fails_with_NonceMismatch_while_the_signature_holds()
    {
        var result = Verify("reports/" + H100_550, $"reports/{H100_550}/chain.pem", GpuFixtures.Nonce("reports/" + H100_545));

        Assert.True(result.SignatureValid);
        Assert.Equal(GpuIssueCode.NonceMismatch, Step(result, "report.nonce").Code);
        Assert.Equal(StepStatus.Fail, result.Verdict);
    }

    [Fact]
    public void Missing_nonce_warns_that_freshness_was_not_established()
    {
        var result = Verify("reports/" + H100_550, $"reports/{H100_550}/chain.pem", nonce: null);

        Assert.Null(result.NonceMatches);
        Assert.Equal(GpuIssueCode.NonceNotChecked, Step(result, "report.nonce").Code);
        Assert.Equal(StepStatus.Warn, result.Verdict);
    }

    [Theory]
    [InlineData("negatives/derived_flipped_measurement_byte")]
    [InlineData("negatives/derived_flipped_signature_byte")]
    [InlineData("negatives/derived_tampered_driver_version")]
    public void Derived_edit_of_a_signed_report_fails_with_SignatureInvalid(string dir)
    {
        var result = Verify(dir, dir + "/chain.pem", GpuFixtures.Nonce(dir));

        Assert.Equal(GpuIssueCode.SignatureInvalid, Step(result, "report.signature").Code);
        Assert.True(result.ChainValid);
        Assert.Equal(StepStatus.Fail, result.Verdict);
    }

    [Fact]
    public void Nvidia_invalid_signature_sample_fails_signature_and_fwid_but_its_chain_is_valid()
    {
        const string dir = "negatives/nvat_invalid_signature";

        var result = Verify(dir, dir + "/chain.pem", GpuFixtures.Nonce(dir));

        Assert.Equal(GpuIssueCode.SignatureInvalid, Step(result, "report.signature").Code);
        Assert.Equal(GpuIssueCode.FwidMismatch, Step(result, "certs.fwid").Code);
        Assert.True(result.ChainValid);
        Assert.Equal("560.00", result.Report.OpaqueData.DriverVersion);
    }

    [Fact]
    public void Chain_with_another_devices_BROM_fails_with_ChainInvalid_while_the_leaf_signature_holds()
    {
        var result = Verify("reports/" + H100_550, "negatives/derived_chain_wrong_brom.pem", GpuFixtures.Nonce("reports/" + H100_550));

        Assert.True(result.SignatureValid);
        Assert.Equal(GpuIssueCode.ChainInvalid, Step(result, "certs.chain").Code);
        Assert.Equal(StepStatus.Fail, result.Verdict);
    }

    [Fact]
    public void Chain_without_its_root_validates_against_the_pinned_device_root_only()
    {
        var chain = GpuFixtures.Chain("negatives/derived_chain_missing_root_wrong_anchor.pem");

        Assert.True(ChainValidator.Validate(chain, NvidiaRoots.DeviceIdentityCa, GpuFixtures.Later).IsValid);
        var wrongAnchor = ChainValidator.Validate(chain, NvidiaRoots.CorimSigningRootCa, GpuFixtures.Later);
        Assert.False(wrongAnchor.IsValid);
        Assert.NotEmpty(wrongAnchor.Errors);
    }

    [Fact]
    public void Report_presented_with_another_devices_whole_chain_fails_signature_and_fwid()
    {
        var result = Verify("reports/" + H100_550, "reports/h100_570.124.03_vbios_96.00.5E.00.04/chain.pem", GpuFixtures.Nonce("reports/" + H100_550));

        Assert.Equal(GpuIssueCode.SignatureInvalid, Step(result, "report.signature").Code);
        Assert.Equal(GpuIssueCode.FwidMismatch, Step(result, "certs.fwid").Code);
        Assert.True(result.ChainValid);
    }

    [Fact]
    public void Self_signed_root_sent_by_the_device_is_discarded_not_trusted()
    {
        var chain = GpuFixtures.Chain($"reports/{H100_550}/chain.pem").Take(4).Append(NvidiaRoots.CorimSigningRootCa).ToList();

        var result = ChainValidator.Validate(chain, NvidiaRoots.DeviceIdentityCa, GpuFixtures.Later);

        Assert.True(result.IsValid);
        Assert.Same(NvidiaRoots.DeviceIdentityCa, result.Path[^1]);
        Assert.Contains(result.Notes, n => n.Contains("discarded", StringComparison.Ordinal));
    }

    [Fact]
    public void Device_chain_is_not_valid_before_the_root_existed()
    {
        var result = ChainValidator.Validate(GpuFixtures.Chain($"reports/{H100_550}/chain.pem"), NvidiaRoots.DeviceIdentityCa, new DateTimeOffset(2019, 1, 1, 0, 0, 0, TimeSpan.Zero));

        Assert.False(result.IsValid);
        Assert.NotEmpty(result.TimeErrors);
    }

    [Theory]
    [MemberData(nameof(GpuFixtures.Reports), MemberType = typeof(GpuFixtures))]
    public void Leaf_fwid_extension_is_read_from_either_oid(string name)
    {
        var expected = GpuFixtures.ExpectedFor("reports/" + name).GetProperty("cert_fwid").GetString();

        var fwids = FwidExtension.Read(GpuFixtures.Chain($"reports/{name}/chain.pem")[0]);

        Assert.Equal(expected, Convert.ToHexStringLower(Assert.Single(fwids)));
    }

    [Fact]
    public void Every_single_byte_flip_of_a_real_report_is_rejected()
    {
        var key = "reports/" + H100_550;
        var original = CvmCheck.Formats.Spdm.SpdmReportFile.Decode(File.ReadAllBytes(GpuFixtures.Path(key, "report.hex")));
        using var verifier = new GpuReportVerifier(GpuFixtures.Chain(key + "/chain.pem"));
        Assert.True(verifier.VerifySignature(CvmCheck.Formats.Spdm.SpdmMeasurementReport.Parse(original)));

        var accepted = new List<int>();
        for (var i = 0; i < original.Length; i++)
        {
            var copy = (byte[])original.Clone();
            copy[i] ^= 0x01;
            if (CvmCheck.Formats.Spdm.SpdmMeasurementReport.TryParse(copy, out var flipped, out _) && verifier.VerifySignature(flipped))
            {
                accepted.Add(i);
            }
        }

        Assert.Empty(accepted);
    }

    [Fact]
    public void Facts_carry_the_documented_names_and_value_types()
    {
        var key = "reports/" + H100_550;
        var facts = Verify(key, key + "/chain.pem", GpuFixtures.Nonce(key)).ToFacts(1).ToDictionary(f => f.Key, f => f.Value);

        Assert.Equal(true, facts["gpu[1].attestation.verified"]);
        Assert.Equal(true, facts["gpu[1].attestation.signature_valid"]);
        Assert.Equal(true, facts["gpu[1].attestation.chain_valid"]);
        Assert.Equal(true, facts["gpu[1].attestation.fwid_matches"]);
        Assert.Equal(true, facts["gpu[1].attestation.nonce_matches"]);
        Assert.Equal("550.90.07", facts["gpu[1].attestation.driver_version"]);
        Assert.Equal("96.00.9F.00.01", facts["gpu[1].attestation.vbios_version"]);
        Assert.Equal(0L, facts["gpu[1].attestation.measurements_mismatched"]);
        Assert.Equal("unknown", facts["gpu[1].attestation.revocation"]);
    }

    [Fact]
    public void Full_rim_match_with_both_rims_passes_but_unknown_revocation_keeps_setReady_false()
    {
        var key = "reports/" + H100_545;
        using var verifier = new GpuReportVerifier(GpuFixtures.Chain(key + "/chain.pem"));
        var rims = new[] { "1010_0200_882_96005E0001_test_no_gpu.swidtag", "Driver_RIM_test_no_gpu.swidtag" }
            .Select(f => new RimInput(f, File.ReadAllBytes(GpuFixtures.FindRim(f)!))).ToList();

        var result = verifier.Verify(GpuFixtures.Report(key), new GpuVerificationOptions { At = GpuFixtures.RimsValid, ExpectedNonce = GpuFixtures.Nonce(key), Rims = rims });

        Assert.Equal(StepStatus.Pass, result.Verdict);
        Assert.Equal(33, result.Measurements.Count(m => m.Status == MeasurementStatus.Match));
        Assert.Equal(0, result.MismatchCount);
        Assert.False(result.SetReady);
    }
}
