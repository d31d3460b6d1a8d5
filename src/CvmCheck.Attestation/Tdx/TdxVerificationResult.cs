using CvmCheck.Formats.Tdx;

namespace CvmCheck.Attestation.Tdx;

/// <summary>
/// Result of verifying one quote: every step with its coded issues, the claims read from the quote,
/// the TCB decision and the default appraisal's verdict. Read-only.
/// </summary>
public sealed class TdxVerificationResult
{
    /// <summary>Steps whose failure means the quote is not genuine or its collateral is not trustworthy
    /// (as opposed to tcb.status, td.debug and reportdata.nonce, which judge a genuine quote).</summary>
    private static readonly HashSet<string> GenuinenessSteps = new(StringComparer.Ordinal)
    {
        TdxStepNames.Collateral, TdxStepNames.QuoteFormat, TdxStepNames.QuoteSignature, TdxStepNames.PckChain, TdxStepNames.Revocation,
        TdxStepNames.QeReportSignature, TdxStepNames.QeReportBinding, TdxStepNames.TcbInfoSignature, TdxStepNames.TcbInfoValidity,
        TdxStepNames.TcbInfoFmspc, TdxStepNames.QeIdentitySignature, TdxStepNames.QeIdentityValidity, TdxStepNames.QeIdentityMatch, TdxStepNames.TdxModule,
    };

    internal TdxVerificationResult(TdxQuote quote, IReadOnlyList<TdxStep> steps, TcbEvaluation? tcb, TcbStatus? qeTcbStatus, byte[]? fmspc, bool revocationChecked, bool malformed)
    {
        Quote = quote;
        Steps = steps;
        Tcb = tcb;
        QeTcbStatus = qeTcbStatus;
        Fmspc = fmspc;
        RevocationChecked = revocationChecked;
        MalformedInput = malformed;
        Verdict = steps.Any(s => s.Status == StepStatus.Fail) ? Verdict.Fail
            : steps.Any(s => s.Status == StepStatus.Warn) ? Verdict.Warn
            : Verdict.Pass;
        QuoteVerified = steps.Where(s => GenuinenessSteps.Contains(s.Name)).All(s => s.Status != StepStatus.Fail);
    }

    public TdxQuote Quote { get; }

    public IReadOnlyList<TdxStep> Steps { get; }

    public Verdict Verdict { get; }

    /// <summary>Signatures, chains, revocation, collateral validity, FMSPC and QE identity all hold
    /// (the TCB status, debug bit and nonce are judged separately).</summary>
    public bool QuoteVerified { get; }

    /// <summary>The converged TCB decision; null when it could not be made (no PCK extension or TCB Info).</summary>
    public TcbEvaluation? Tcb { get; }

    public TcbStatus? TcbStatus => Tcb?.Final;

    public TcbStatus? QeTcbStatus { get; }

    /// <summary>FMSPC from the PCK certificate (null when the PCK certificate did not decode).</summary>
    public byte[]? Fmspc { get; }

    public bool RevocationChecked { get; }

    /// <summary>Part of the evidence did not decode (e.g. PEM garbage in the quote's PCK chain): exit 2, not 1.</summary>
    public bool MalformedInput { get; }

    public IReadOnlyList<string> AdvisoryIds => Tcb?.AdvisoryIds ?? [];

    public IEnumerable<TdxIssue> Issues => Steps.SelectMany(s => s.Issues);

    /// <summary>The result as policy facts (DESIGN.md §1b names; values bool, long, string or null).</summary>
    public IReadOnlyList<KeyValuePair<string, object?>> ToFacts()
    {
        var body = Quote.Body;
        var a = body.TdAttributes;
        var facts = new List<KeyValuePair<string, object?>>
        {
            new("tdx.quote.verified", QuoteVerified),
            new("tdx.quote.version", (long)Quote.Version),
            new("tdx.tcb.status", TcbStatus?.ToIntelString()),
            new("tdx.qe.tcb_status", QeTcbStatus?.ToIntelString()),
            new("tdx.td.debug", a.Debug),
            new("tdx.td.mrtd", Hex(body.MrTd)),
        };
        for (var i = 0; i < body.Rtmrs.Count; i++)
        {
            facts.Add(new($"tdx.td.rtmr[{i}]", Hex(body.Rtmrs[i])));
        }

        facts.AddRange(
        [
            new("tdx.td.report_data", Hex(body.ReportData)),
            new("tdx.td.mrconfigid", Hex(body.MrConfigId)),
            new("tdx.td.mrowner", Hex(body.MrOwner)),
            new("tdx.td.mrownerconfig", Hex(body.MrOwnerConfig)),
            new("tdx.td.mrseam", Hex(body.MrSeam)),
            new("tdx.td.xfam", Hex(body.Xfam)),
            new("tdx.td.attributes", Hex(body.TdAttributesRaw)),
            new("tdx.td.attributes.debug", a.Debug),
            new("tdx.td.attributes.sept_ve_disable", a.SeptVeDisable),
            new("tdx.td.attributes.pks", a.Pks),
            new("tdx.td.attributes.kl", a.KeyLocker),
            new("tdx.td.attributes.perfmon", a.Perfmon),
            new("tdx.tee_tcb_svn", Hex(body.TeeTcbSvn)),
            new("tdx.fmspc", Fmspc is null ? null : Hex(Fmspc)),
            new("tdx.advisory_ids", string.Join(',', AdvisoryIds)),
            new("tdx.collateral.revocation", RevocationChecked ? "checked" : "unchecked"),
        ]);
        return facts;
    }

    private static string Hex(byte[] b) => Convert.ToHexStringLower(b);
}
