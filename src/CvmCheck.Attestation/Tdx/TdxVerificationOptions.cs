using System.Security.Cryptography.X509Certificates;

namespace CvmCheck.Attestation.Tdx;

/// <summary>What a verification is judged against: the clock (injected, never read here), the pinned root
/// and the expected REPORTDATA.</summary>
public sealed class TdxVerificationOptions
{
    public required DateTimeOffset At { get; init; }

    /// <summary>The trust anchor; the Intel SGX Root CA unless a test pins its own run-time CA.</summary>
    public X509Certificate2 PinnedRoot { get; init; } = IntelSgxRootCa.Certificate;

    /// <summary>With --nonce: REPORTDATA must equal SHA-512(nonce bytes) (DESIGN.md §3).</summary>
    public byte[]? ExpectedReportData { get; init; }
}
