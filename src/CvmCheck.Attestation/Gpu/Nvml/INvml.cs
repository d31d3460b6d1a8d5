namespace CvmCheck.Attestation.Gpu.Nvml;

/// <summary>
/// The part of NVML that GPU attestation needs, as a seam: <see cref="NvmlLibrary"/> calls the real
/// <c>libnvidia-ml.so.1</c>; tests use a fake that returns captured reports as NVML would.
/// Device indices are NVML's (0 … count-1). Every failing call throws <see cref="NvmlException"/>.
/// Disposing shuts NVML down.
/// </summary>
public interface INvml : IDisposable
{
    /// <summary><c>nvmlDeviceGetCount_v2</c>.</summary>
    int GetDeviceCount();

    /// <summary><c>nvmlSystemGetConfComputeState</c>: CC feature, dev-tools mode and environment of the system.</summary>
    NvmlConfComputeState GetConfComputeState();

    /// <summary><c>nvmlSystemGetConfComputeGpusReadyState</c>: whether the GPUs accept work.</summary>
    bool GetGpusReadyState();

    /// <summary><c>nvmlSystemSetConfComputeGpusReadyState</c> (system-wide, every GPU at once).</summary>
    void SetGpusReadyState(bool acceptingWork);

    /// <summary><c>nvmlDeviceGetConfComputeGpuAttestationReport</c> with <paramref name="nonce"/> (32 bytes) as the request nonce.</summary>
    NvmlAttestationReport GetAttestationReport(int deviceIndex, ReadOnlySpan<byte> nonce);

    /// <summary><c>nvmlDeviceGetConfComputeGpuCertificate</c>.</summary>
    NvmlGpuCertificate GetCertificate(int deviceIndex);
}

/// <summary>
/// <c>nvmlConfComputeSystemState_t</c>: NVML_CC_SYSTEM_FEATURE_{DISABLED=0,ENABLED=1},
/// NVML_CC_SYSTEM_DEVTOOLS_MODE_{OFF=0,ON=1}, NVML_CC_SYSTEM_ENVIRONMENT_{UNAVAILABLE=0,SIM=1,PROD=2}.
/// </summary>
public sealed record NvmlConfComputeState(uint Environment, uint CcFeature, uint DevToolsMode)
{
    public const uint FeatureEnabled = 1;
    public const uint DevToolsOn = 1;

    public bool CcEnabled => CcFeature == FeatureEnabled;

    /// <summary>As the <c>gpu[i].cc.mode</c> fact spells it: <c>on</c>, <c>off</c> or <c>devtools</c>.</summary>
    public string ModeText => !CcEnabled ? "off" : DevToolsMode == DevToolsOn ? "devtools" : "on";

    /// <summary>As the <c>gpu[i].cc.environment</c> fact spells it.</summary>
    public string EnvironmentText => Environment switch
    {
        1 => "simulation",
        2 => "production",
        _ => "unavailable",
    };
}

/// <summary>
/// What <c>nvmlDeviceGetConfComputeGpuAttestationReport</c> returns, cut to the sizes NVML reported:
/// the SPDM GET_MEASUREMENTS request ‖ response, the nonce that was sent, and the CEC report when present.
/// </summary>
public sealed record NvmlAttestationReport(byte[] Report, byte[] Nonce, byte[]? CecReport);

/// <summary>
/// What <c>nvmlDeviceGetConfComputeGpuCertificate</c> returns, cut to size: the GPU's device certificate
/// chain and the attestation chain (leaf = the key that signs reports). NVIDIA's drivers return the
/// attestation chain as concatenated PEM; <see cref="NvmlCertificateChain"/> also takes DER.
/// </summary>
public sealed record NvmlGpuCertificate(byte[] CertChain, byte[] AttestationCertChain);
