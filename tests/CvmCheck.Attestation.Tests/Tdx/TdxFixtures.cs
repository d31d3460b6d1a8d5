using System.Globalization;
using System.Text.Json;
using CvmCheck.Attestation.Tdx;
using CvmCheck.Formats.Tdx;
using CvmCheck.Testing;

namespace CvmCheck.Attestation.Tests.Tdx;

/// <summary>Access to fixtures/attestation/tdx/&lt;set&gt;/ (copied from the shared vectors; see PROVENANCE.md).</summary>
internal static class TdxFixtures
{
    public const string UpToDateV4 = "dcapqvl_v4_b0c06f_uptodate";

    public static string Dir(string set) => Repo.Fixture("attestation", "tdx", set);

    public static byte[] QuoteBytes(string set) => File.ReadAllBytes(Path.Combine(Dir(set), "quote.bin"));

    public static TdxQuote Quote(string set) => TdxQuote.Parse(QuoteBytes(set));

    public static TdxCollateral Collateral(string set) => TdxCollateral.Load(Dir(set));

    public static Dictionary<string, byte[]> CollateralFiles(string set) =>
        Directory.EnumerateFiles(Dir(set)).Where(f => !f.EndsWith("quote.bin", StringComparison.Ordinal) && !f.EndsWith("expected.json", StringComparison.Ordinal))
            .ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes, StringComparer.Ordinal);

    public static JsonElement Expected(string set) => JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Dir(set), "expected.json"))).RootElement;

    public static DateTimeOffset ValidFrom(string set) => Date(Expected(set).GetProperty("valid_from").GetString()!);

    public static DateTimeOffset ValidUntil(string set) => Date(Expected(set).GetProperty("valid_until").GetString()!);

    /// <summary>The middle of the collateral validity window (as the contract check uses).</summary>
    public static DateTimeOffset Midpoint(string set)
    {
        var from = ValidFrom(set);
        return from + ((ValidUntil(set) - from) / 2);
    }

    public static TdxVerificationResult Verify(string set, DateTimeOffset? at = null, TdxCollateral? collateral = null) =>
        TdxQuoteVerifier.Verify(Quote(set), collateral ?? Collateral(set), new TdxVerificationOptions { At = at ?? Midpoint(set) });

    private static DateTimeOffset Date(string s) => DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
}
