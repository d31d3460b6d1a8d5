using CvmCheck.Attestation.Tdx;

namespace CvmCheck.Attestation.Tests.Tdx;

/// <summary>Every real vector gives the result recorded for it in PROVENANCE.md / expected.json.</summary>
public sealed class TdxRealVectorTests
{
    public static TheoryData<string, Verdict, TcbStatus, string[]> Vectors => new()
    {
        { "dcapqvl_v4_b0c06f_uptodate", Verdict.Pass, TcbStatus.UpToDate, [] },
        { "gotdx_cos_v4_00806f_skiprule", Verdict.Pass, TcbStatus.UpToDate, [] },
        { "gotdx_v5_90c06f_uptodate", Verdict.Pass, TcbStatus.UpToDate, [] },
        { "neg_debug_trustee_v4_50806f", Verdict.Fail, TcbStatus.UpToDate, ["DebugTd"] },
        { "neg_fmspc_mismatch_dcapqvl_tappd", Verdict.Fail, TcbStatus.NoMatchingTcbLevel, ["FmspcMismatch", "TcbLevelNotFound"] },
        { "neg_nomatch_dcapqvl_v5_90c06f", Verdict.Fail, TcbStatus.NoMatchingTcbLevel, ["TcbLevelNotFound"] },
        { "neg_tampered_debugbit", Verdict.Fail, TcbStatus.UpToDate, ["QuoteSignatureInvalid", "DebugTd"] },
        { "neg_tampered_mrtd", Verdict.Fail, TcbStatus.UpToDate, ["QuoteSignatureInvalid"] },
        { "trustee_v4_00a06d_outofdate", Verdict.Fail, TcbStatus.OutOfDate, ["TcbStatusRejected"] },
    };

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Real_vector_verifies_to_its_recorded_status_with_exactly_the_expected_failure_codes(string set, Verdict verdict, TcbStatus status, string[] failCodes)
    {
        var result = TdxFixtures.Verify(set);
        var expected = TdxFixtures.Expected(set);
        Assert.Equal(verdict, result.Verdict);
        Assert.Equal(status, result.TcbStatus);
        Assert.Equal(expected.GetProperty("mrtd").GetString(), Convert.ToHexStringLower(result.Quote.Body.MrTd));
        Assert.Equal(expected.GetProperty("debug").GetBoolean(), result.Quote.Body.TdAttributes.Debug);
        Assert.Equal(expected.GetProperty("fmspc").GetString(), Convert.ToHexStringLower(result.Fmspc!));
        Assert.Equal(expected.GetProperty("qe_tcb_status").GetString(), result.QeTcbStatus?.ToIntelString());
        var failed = result.Steps.Where(s => s.Status == StepStatus.Fail).SelectMany(s => s.Issues).Select(i => i.Code.ToString()).ToArray();
        Assert.Equal(failCodes, failed);
    }

    [Theory]
    [InlineData("dcapqvl_v4_b0c06f_uptodate")]
    [InlineData("gotdx_cos_v4_00806f_skiprule")]
    [InlineData("gotdx_v5_90c06f_uptodate")]
    [InlineData("trustee_v4_00a06d_outofdate")]
    public void Final_tcb_status_and_level_agree_with_the_independent_checker(string set)
    {
        var result = TdxFixtures.Verify(set);
        var e = TdxFixtures.Expected(set);
        Assert.Equal(e.GetProperty("final_tcb_status").GetString(), result.TcbStatus!.Value.ToIntelString());
        Assert.Equal(e.GetProperty("tcb_level_index").GetInt32(), result.Tcb!.PlatformLevel!.Index);
        Assert.Equal(e.GetProperty("tdx_module_identity").GetProperty("id").GetString(), result.Tcb.ModuleId);
    }

    [Fact]
    public void Module_major_version_above_zero_skips_tee_tcb_svn_bytes_0_and_1_so_cos_quote_is_UpToDate_not_OutOfDate()
    {
        // TEE_TCB_SVN 04 01 07 …, tcbLevels[0].tdxtcbcomponents[0] = 5: comparing all 16 bytes (as dcap-qvl does)
        // would land on tcbLevels[1] OutOfDate; Intel grades bytes 0–1 through tdxModuleIdentities TDX_01 instead.
        var result = TdxFixtures.Verify("gotdx_cos_v4_00806f_skiprule");
        Assert.Equal(0, result.Tcb!.PlatformLevel!.Index);
        Assert.Equal("TDX_01", result.Tcb.ModuleId);
        Assert.Equal(TcbStatus.UpToDate, result.TcbStatus);
    }

    [Fact]
    public void Quote_without_crl_files_warns_revocation_unchecked_and_still_reports_its_tcb_status()
    {
        var result = TdxFixtures.Verify("trustee_v4_00a06d_outofdate");
        var step = result.Steps.Single(s => s.Name == TdxStepNames.Revocation);
        Assert.Equal(StepStatus.Warn, step.Status);
        Assert.Equal(TdxIssueCode.RevocationUnchecked, Assert.Single(step.Issues).Code);
        Assert.False(result.RevocationChecked);
        Assert.Equal(TcbStatus.OutOfDate, result.TcbStatus);
    }

    [Fact]
    public void Genuine_quote_with_zero_padding_passes_with_a_TrailingZeroBytes_note()
    {
        var result = TdxFixtures.Verify(TdxFixtures.UpToDateV4);
        var step = result.Steps.Single(s => s.Name == TdxStepNames.QuoteFormat);
        Assert.Equal(StepStatus.Pass, step.Status);
        Assert.Equal(TdxIssueCode.TrailingZeroBytes, Assert.Single(step.Issues).Code);
        Assert.Contains("70 zero bytes", step.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Facts_carry_the_design_names_with_bool_long_and_string_values()
    {
        var result = TdxFixtures.Verify(TdxFixtures.UpToDateV4);
        var facts = result.ToFacts().ToDictionary(f => f.Key, f => f.Value);
        var e = TdxFixtures.Expected(TdxFixtures.UpToDateV4);
        Assert.Equal(true, facts["tdx.quote.verified"]);
        Assert.Equal("UpToDate", facts["tdx.tcb.status"]);
        Assert.Equal(false, facts["tdx.td.debug"]);
        Assert.Equal(e.GetProperty("mrtd").GetString(), facts["tdx.td.mrtd"]);
        Assert.Equal(e.GetProperty("rtmr2").GetString(), facts["tdx.td.rtmr[2]"]);
        Assert.Equal(e.GetProperty("report_data").GetString(), facts["tdx.td.report_data"]);
        Assert.Equal(e.GetProperty("xfam").GetString(), facts["tdx.td.xfam"]);
        Assert.Equal(true, facts["tdx.td.attributes.sept_ve_disable"]);
        Assert.Equal(e.GetProperty("tee_tcb_svn").GetString(), facts["tdx.tee_tcb_svn"]);
        Assert.Equal("b0c06f000000", facts["tdx.fmspc"]);
        Assert.Equal("", facts["tdx.advisory_ids"]);
        Assert.Equal("checked", facts["tdx.collateral.revocation"]);
        Assert.Equal(4L, facts["tdx.quote.version"]);
        Assert.All(result.ToFacts(), f => Assert.True(f.Value is null or bool or long or string, f.Key));
    }

    [Fact]
    public void OutOfDate_quote_is_still_a_verified_quote_in_the_facts_but_fails_the_default_appraisal()
    {
        var result = TdxFixtures.Verify("trustee_v4_00a06d_outofdate");
        var facts = result.ToFacts().ToDictionary(f => f.Key, f => f.Value);
        Assert.Equal(true, facts["tdx.quote.verified"]);
        Assert.Equal("OutOfDate", facts["tdx.tcb.status"]);
        Assert.Equal("unchecked", facts["tdx.collateral.revocation"]);
        Assert.Equal(Verdict.Fail, result.Verdict);
    }
}
