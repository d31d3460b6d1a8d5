using System.CommandLine;
using CvmCheck.Attestation.Tdx;
using CvmCheck.Cli.Attest.Tdx;
using CvmCheck.Core.Facts;
using CvmCheck.Formats.Tdx;

namespace CvmCheck.Cli.Attest;

/// <summary>
/// <c>check --quote FILE --collateral DIR [--at TIME]</c>: verifies a TDX quote offline and adds its
/// claims as facts (<c>tdx.quote.verified</c>, <c>tdx.tcb.status</c>, <c>tdx.td.debug</c>, <c>tdx.td.mrtd</c>, …)
/// so that <c>check</c> policies can require attestation. Without <c>--quote</c> those facts are absent
/// and rules over them fail closed (or skip, when guarded or optional).
/// </summary>
internal sealed class AttestationFacts
{
    public Option<string?> Quote { get; } = new("--quote") { Description = "TDX quote to verify; its claims become tdx.* facts", HelpName = "FILE" };

    public Option<string?> Collateral { get; } = new("--collateral") { Description = "Collateral directory for --quote (layout as for 'attest tdx')", HelpName = "DIR" };

    public Option<string?> At { get; } = new("--at") { Description = "Verification time for --quote and --gpu-report (default: now)", HelpName = "TIME" };

    public void AddTo(Command command)
    {
        command.Add(Quote);
        command.Add(Collateral);
        command.Add(At);
    }

    public IReadOnlyList<Fact> Collect(ParseResult parse)
    {
        var quotePath = parse.GetValue(Quote);
        var collateralDir = parse.GetValue(Collateral);
        if (quotePath is null)
        {
            if (collateralDir is not null)
            {
                throw new UserInputException("--collateral needs --quote FILE");
            }

            return [];
        }

        if (collateralDir is null)
        {
            throw new UserInputException("--quote needs --collateral DIR to be verified");
        }

        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(quotePath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"--quote {quotePath}: {e.Message}");
        }

        if (!TdxQuote.TryParse(bytes, out var quote, out var error))
        {
            throw new UserInputException($"--quote {quotePath}: {error!.Field} at offset {error.Offset}: {error.Message} ({error.Code})");
        }

        TdxCollateral collateral;
        try
        {
            collateral = TdxCollateral.Load(collateralDir);
        }
        catch (TdxCollateralException e)
        {
            throw new UserInputException(e.Message);
        }

        var at = AttestTdxRunner.ParseAt(parse.GetValue(At)) ?? DateTimeOffset.UtcNow;
        var result = TdxQuoteVerifier.Verify(quote!, collateral, new TdxVerificationOptions { At = at });
        return result.ToFacts()
            .Select(kv => kv.Value is null ? Fact.Unavailable(kv.Key, FactReasons.Absent, quotePath) : Fact.Of(kv.Key, kv.Value, quotePath))
            .ToArray();
    }
}
