using System.Globalization;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using CvmCheck.Attestation.Tdx;
using CvmCheck.Formats.Tdx;

namespace CvmCheck.Bench;

/// <summary>Quotes verified per second with collateral decoded once and cached (the steady state of a
/// verifier serving many quotes): parse + every verification step, including the PCK chain and CRL
/// checks and the quote signature (never cached). <see cref="VerifyQuote"/> repeats one quote;
/// <see cref="VerifyDistinctQuotes"/> rotates the real fixture quotes whose signature verifies (different
/// platforms, attestation keys, PCK chains and collateral), one quote per operation. Compare with
/// `openssl speed ecdsap256` via bench/tdx-vs-openssl.sh.</summary>
[MemoryDiagnoser]
public class TdxQuoteVerifyBench
{
    private byte[] _quote = [];
    private TdxCollateral _collateral = null!;
    private TdxVerificationOptions _options = null!;
    private (byte[] Quote, TdxCollateral Collateral, TdxVerificationOptions Options)[] _distinct = [];
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        var dir = BenchPaths.Fixture("attestation", "tdx", "dcapqvl_v4_b0c06f_uptodate");
        _quote = File.ReadAllBytes(Path.Combine(dir, "quote.bin"));
        _collateral = TdxCollateral.Load(dir);
        _options = new TdxVerificationOptions { At = new DateTimeOffset(2025, 6, 20, 0, 0, 0, TimeSpan.Zero) };
        if (TdxQuoteVerifier.Verify(TdxQuote.Parse(_quote), _collateral, _options).Verdict != Verdict.Pass)
        {
            throw new InvalidOperationException("benchmark quote does not verify");
        }

        var distinct = new List<(byte[], TdxCollateral, TdxVerificationOptions)>();
        foreach (var set in Directory.EnumerateDirectories(BenchPaths.Fixture("attestation", "tdx")).Order(StringComparer.Ordinal))
        {
            var expected = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(set, "expected.json"))).RootElement;
            if (!expected.TryGetProperty("valid_from", out var from) || from.ValueKind != JsonValueKind.String
                || !TdxQuote.TryParse(File.ReadAllBytes(Path.Combine(set, "quote.bin")), out var parsed, out _))
            {
                continue;
            }

            var start = DateTimeOffset.Parse(from.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
            var end = DateTimeOffset.Parse(expected.GetProperty("valid_until").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
            var options = new TdxVerificationOptions { At = start + ((end - start) / 2) };
            var collateral = TdxCollateral.Load(set);
            if (TdxQuoteVerifier.Verify(parsed!, collateral, options).QuoteVerified)
            {
                distinct.Add((File.ReadAllBytes(Path.Combine(set, "quote.bin")), collateral, options));
            }
        }

        if (distinct.Count < 2)
        {
            throw new InvalidOperationException("fewer than two fixture quotes verify");
        }

        _distinct = [.. distinct];
        Console.WriteLine($"// distinct quotes rotated: {_distinct.Length}");
    }

    [Benchmark]
    public Verdict ParseOnly() => TdxQuote.Parse(_quote).Version == 4 ? Verdict.Pass : Verdict.Fail;

    [Benchmark]
    public Verdict VerifyQuote() => TdxQuoteVerifier.Verify(TdxQuote.Parse(_quote), _collateral, _options).Verdict;

    [Benchmark]
    public Verdict VerifyDistinctQuotes()
    {
        var (quote, collateral, options) = _distinct[_next];
        _next = (_next + 1) % _distinct.Length;
        return TdxQuoteVerifier.Verify(TdxQuote.Parse(quote), collateral, options).Verdict;
    }
}
