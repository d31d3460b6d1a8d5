using System.Globalization;
using System.Security.Cryptography;
using CvmCheck.Attestation.Tdx;
using CvmCheck.Formats.Tdx;

namespace CvmCheck.Cli.Attest.Tdx;

/// <summary>The arguments of `cvmcheck attest tdx`, as parsed.</summary>
internal sealed record AttestTdxArgs(
    string? QuotePath,
    string? CollateralDir,
    string? At,
    string? NonceHex,
    string Format,
    bool Fresh,
    string TsmRoot,
    string? OutPath,
    string? PolicyPath);

/// <summary>`cvmcheck attest tdx`: plain method, writers in, exit code out (DESIGN.md §3).</summary>
internal sealed class AttestTdxRunner(IGuestFileSystem fileSystem, ITdReportSource device, Func<DateTimeOffset> clock)
{
    public static AttestTdxRunner Live() => new(PhysicalGuestFileSystem.Instance, new TdxGuestDevice(), () => DateTimeOffset.UtcNow);

    public int Run(AttestTdxArgs args, TextWriter stdout, TextWriter stderr)
    {
        var policies = PolicyAppraisal.Load(args.PolicyPath);
        if (args.Format is not ("text" or "json"))
        {
            throw new UserInputException($"--format: '{args.Format}' is not text or json");
        }

        var at = ParseAt(args.At) ?? clock();
        var nonce = ParseNonce(args.NonceHex);
        byte[]? expectedReportData = nonce is null ? null : SHA512.HashData(nonce);

        byte[] quoteBytes;
        string quoteName;
        if (args.Fresh)
        {
            if (args.QuotePath is not null)
            {
                throw new UserInputException("--fresh and --quote are exclusive: --fresh gets a new quote from this guest");
            }

            // REPORTDATA = SHA-512(nonce); 32 random bytes when no nonce is given, so every fresh quote is unique.
            expectedReportData ??= SHA512.HashData(RandomNumberGenerator.GetBytes(32));
            var tsm = new TsmReportClient(fileSystem, args.TsmRoot);
            if (!tsm.IsAvailable)
            {
                return RunTdReportFallback(args, tsm.Root, expectedReportData, stdout, stderr);
            }

            quoteBytes = tsm.GetQuote(expectedReportData);
            quoteName = $"quote from {tsm.Root}";
            if (args.OutPath is not null)
            {
                File.WriteAllBytes(args.OutPath, quoteBytes);
            }
        }
        else
        {
            if (args.QuotePath is null)
            {
                throw new UserInputException("--quote FILE is required (or --fresh to get one from this guest)");
            }

            if (args.CollateralDir is null)
            {
                throw new UserInputException("--collateral DIR is required with --quote");
            }

            quoteName = args.QuotePath;
            quoteBytes = ReadFile(args.QuotePath);
        }

        if (!TdxQuote.TryParse(quoteBytes, out var quote, out var error))
        {
            throw new UserInputException($"{quoteName}: {error!.Field} at offset {error.Offset}: {error.Message} ({error.Code})");
        }

        if (args.CollateralDir is null)
        {
            var note = "no --collateral: the quote was not verified" + (args.OutPath is null ? "" : $"; written to {args.OutPath}");
            if (args.Format == "json")
            {
                AttestTdxReport.WriteUnverifiedJson(stdout, quote!, note);
            }
            else
            {
                stdout.WriteLine($"verdict: warn ({note})");
                AttestTdxReport.WriteClaimsText(stdout, quote!, null);
            }

            return ExitCodes.Ok;
        }

        TdxCollateral collateral;
        try
        {
            collateral = TdxCollateral.Load(args.CollateralDir);
        }
        catch (TdxCollateralException e)
        {
            throw new UserInputException(e.Message);
        }

        var result = TdxQuoteVerifier.Verify(quote!, collateral, new TdxVerificationOptions { At = at, ExpectedReportData = expectedReportData });
        if (result.MalformedInput)
        {
            var first = result.Issues.First(i => i.Code == TdxIssueCode.PckCertificateMalformed);
            throw new UserInputException($"{quoteName}: {first.Message}");
        }

        // With --policy, the policy replaces the default appraisal of a genuine quote (TCB status,
        // debug, measurements); signature, chain, collateral and nonce failures still fail.
        var appraisal = policies is null ? null : PolicyAppraisal.Evaluate(policies, result.ToFacts(), quoteName);
        var genuine = result.QuoteVerified && result.Steps.All(s => s.Name != TdxStepNames.ReportDataNonce || s.Status != StepStatus.Fail);
        var verdict = appraisal?.CombinedVerdict(genuine) ?? AttestTdxReport.VerdictName(result.Verdict);
        if (args.Format == "json")
        {
            AttestTdxReport.WriteJson(stdout, result, verdict, appraisal);
        }
        else
        {
            AttestTdxReport.WriteText(stdout, result, verdict);
            appraisal?.WriteText(stdout);
        }

        return verdict == "fail" ? ExitCodes.Failed : ExitCodes.Ok;
    }

    private int RunTdReportFallback(AttestTdxArgs args, string tsmRoot, byte[] reportData, TextWriter stdout, TextWriter stderr)
    {
        if (!device.IsAvailable)
        {
            throw new UserInputException($"{tsmRoot}: no configfs-tsm report interface, and no {TdxGuestDevice.DefaultPath}: not a TDX guest, or the kernel lacks TDX guest support");
        }

        var raw = device.GetTdReport(reportData);
        if (!TdReport.TryParse(raw, out var report, out var error))
        {
            throw new UserInputException($"{TdxGuestDevice.DefaultPath}: TDREPORT {error!.Field} at offset {error.Offset}: {error.Message}");
        }

        if (args.OutPath is not null)
        {
            File.WriteAllBytes(args.OutPath, raw);
        }

        stderr.WriteLine($"cvmcheck: {tsmRoot} is not available; read a TDREPORT from {TdxGuestDevice.DefaultPath} instead. A TDREPORT is MACed for this platform only and cannot be verified off-host.");
        stdout.WriteLine($"tdreport: type 0x{report!.ReportType:x2} version {report.ReportVersion}");
        stdout.WriteLine($"  mrtd: {Convert.ToHexStringLower(report.MrTd)}");
        for (var i = 0; i < report.Rtmrs.Count; i++)
        {
            stdout.WriteLine($"  rtmr{i}: {Convert.ToHexStringLower(report.Rtmrs[i])}");
        }

        stdout.WriteLine($"  reportData: {Convert.ToHexStringLower(report.ReportData)}");
        stdout.WriteLine($"  debug: {(report.TdAttributes.Debug ? "true" : "false")}");
        stdout.WriteLine($"  teeTcbSvn: {Convert.ToHexStringLower(report.TeeTcbSvn)}");
        // Verification was asked for but only an unsigned TDREPORT exists: that cannot be established (fail closed).
        return args.CollateralDir is null ? ExitCodes.Ok : ExitCodes.Failed;
    }

    private static byte[] ReadFile(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"{path}: cannot read ({e.Message})");
        }
    }

    internal static DateTimeOffset? ParseAt(string? text)
    {
        if (text is null)
        {
            return null;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at)
            ? at
            : throw new UserInputException($"--at: '{text}' is not a time (expected e.g. 2025-06-20T00:00:00Z)");
    }

    internal static byte[]? ParseNonce(string? hex)
    {
        if (hex is null)
        {
            return null;
        }

        try
        {
            var bytes = Convert.FromHexString(hex);
            return bytes.Length > 0 ? bytes : throw new UserInputException("--nonce: empty");
        }
        catch (FormatException)
        {
            throw new UserInputException($"--nonce: '{hex}' is not an even number of hex digits");
        }
    }
}
