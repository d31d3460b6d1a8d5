using BenchmarkDotNet.Attributes;
using CvmCheck.Attestation.Gpu;
using CvmCheck.Formats.Spdm;

namespace CvmCheck.Bench;

/// <summary>
/// GPU reports verified per second with the device chain cached (validated once per check time, leaf
/// key imported once), as a verifier serving many reports from one GPU would run. One operation =
/// parse + full appraisal (signature, cached chain, FWID, nonce, no RIMs, no OCSP) of a real H100
/// report. bench/gpu-vs-openssl.sh compares it with <c>openssl speed ecdsap384</c> verify/s.
/// </summary>
[MemoryDiagnoser]
public class GpuReportVerifyBench
{
    private const string Report = "h100_550.90.07_vbios_96.00.9F.00.01";
    private byte[] _bytes = [];
    private SpdmMeasurementReport _report = null!;
    private GpuReportVerifier _verifier = null!;
    private GpuVerificationOptions _options = null!;

    [GlobalSetup]
    public void Setup()
    {
        var dir = BenchPaths.Fixture("attestation", "gpu", "reports", Report);
        _bytes = SpdmReportFile.Decode(File.ReadAllBytes(Path.Combine(dir, "report.hex")));
        _report = SpdmMeasurementReport.Parse(_bytes);
        _verifier = new GpuReportVerifier(CertificateFiles.ReadFile(Path.Combine(dir, "chain.pem")));
        _options = new GpuVerificationOptions { At = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero), ExpectedNonce = _report.RequestNonce.ToArray() };
        if (_verifier.Verify(_report, _options).Verdict != StepStatus.Pass)
        {
            throw new InvalidOperationException("the benchmark report does not verify");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _verifier.Dispose();

    [Benchmark(Description = "parse + verify report (chain cached)")]
    public StepStatus ParseAndVerify() => _verifier.Verify(SpdmMeasurementReport.Parse(_bytes), _options).Verdict;

    [Benchmark(Description = "signature only")]
    public bool SignatureOnly() => _verifier.VerifySignature(_report);
}
