using BenchmarkDotNet.Attributes;
using CvmCheck.Attestation.Tdx;
using CvmCheck.Formats.Tdx;

namespace CvmCheck.Bench;

/// <summary>Quotes verified per second with collateral decoded once and cached (the steady state of a
/// verifier serving many quotes from one platform): parse + every verification step, including the PCK
/// chain and CRL checks. Compare with `openssl speed ecdsap256` via bench/tdx-vs-openssl.sh.</summary>
[MemoryDiagnoser]
public class TdxQuoteVerifyBench
{
    private byte[] _quote = [];
    private TdxCollateral _collateral = null!;
    private TdxVerificationOptions _options = null!;

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
    }

    [Benchmark]
    public Verdict ParseOnly() => TdxQuote.Parse(_quote).Version == 4 ? Verdict.Pass : Verdict.Fail;

    [Benchmark]
    public Verdict VerifyQuote() => TdxQuoteVerifier.Verify(TdxQuote.Parse(_quote), _collateral, _options).Verdict;
}
