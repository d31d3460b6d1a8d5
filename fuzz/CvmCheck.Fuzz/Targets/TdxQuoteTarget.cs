using System.Runtime.CompilerServices;
using CvmCheck.Formats.Tdx;

namespace CvmCheck.Fuzz.Targets;

/// <summary>`tdx-quote`: the TDX quote parser on untrusted bytes. TryParse must never throw; Parse may throw
/// only its documented <see cref="TdxFormatException"/>. Anything else is a crash for the fuzzer.</summary>
internal static class TdxQuoteTarget
{
    [ModuleInitializer]
    internal static void Register() => FuzzTargets.Register("tdx-quote", Run);

    private static void Run(ReadOnlyMemory<byte> input)
    {
        if (TdxQuote.TryParse(input.Span, out var quote, out var error))
        {
            // Touch what a verifier reads, so out-of-range views would surface here.
            _ = quote!.Body.TdAttributes.Debug;
            _ = quote.SignedRegion.Length + quote.PckCertificationData.Length + quote.QeReport.ReportData.Length;
        }
        else if (error is null)
        {
            throw new InvalidOperationException("TryParse failed without an error");
        }

        try
        {
            TdxQuote.Parse(input.Span);
        }
        catch (TdxFormatException)
        {
            // documented rejection
        }

        if (input.Length == TdReport.Length)
        {
            TdReport.TryParse(input.Span, out _, out _);
        }
    }
}
