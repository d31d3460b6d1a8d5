namespace CvmCheck.Attestation.Gpu;

/// <summary>A RIM file handed to the verifier: a display name (path relative to --rims) and its bytes.</summary>
public sealed record RimInput(string File, byte[] Xml);

/// <summary>Inputs of one appraisal besides the report and the chain; the clock is injected, never read.</summary>
public sealed class GpuVerificationOptions
{
    /// <summary>The nonce the verifier sent (must equal the request nonce); null = freshness not checked (warn).</summary>
    public byte[]? ExpectedNonce { get; init; }

    public required DateTimeOffset At { get; init; }

    public IReadOnlyList<RimInput> Rims { get; init; } = [];

    /// <summary>Directory of stored OCSP responses (<see cref="OcspChecker"/>); null = revocation unknown.</summary>
    public string? OcspDirectory { get; init; }
}
