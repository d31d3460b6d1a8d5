using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CvmCheck.Attestation.Gpu.Nvml;

/// <summary>
/// The NVML entry points cvmcheck calls, by source-generated P/Invoke (AOT/trim-safe), and the
/// confidential-computing structs they fill. Declarations follow NVIDIA's published <c>nvml.h</c>
/// (NVML API 12, CUDA 12.2+ "Confidential Computing" group; the same header ships in NVIDIA/go-nvml
/// <c>pkg/nvml/nvml.h</c> and as <c>nvidia-ml-py</c>'s ctypes mirror):
/// <code>
/// nvmlReturn_t nvmlInit_v2(void);
/// nvmlReturn_t nvmlShutdown(void);
/// const char*  nvmlErrorString(nvmlReturn_t result);
/// nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int *deviceCount);
/// nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int index, nvmlDevice_t *device);
/// nvmlReturn_t nvmlSystemGetConfComputeState(nvmlConfComputeSystemState_t *state);
/// nvmlReturn_t nvmlSystemGetConfComputeGpusReadyState(unsigned int *isAcceptingWork);
/// nvmlReturn_t nvmlSystemSetConfComputeGpusReadyState(unsigned int isAcceptingWork);
/// nvmlReturn_t nvmlDeviceGetConfComputeGpuCertificate(nvmlDevice_t device, nvmlConfComputeGpuCertificate_t *gpuCert);
/// nvmlReturn_t nvmlDeviceGetConfComputeGpuAttestationReport(nvmlDevice_t device, nvmlConfComputeGpuAttestationReport_t *gpuAtstReport);
/// </code>
/// <c>nvmlDevice_t</c> is an opaque pointer. Every argument here is blittable, so the generated stubs
/// only pin; nothing is marshalled by reflection.
/// </summary>
internal static partial class NvmlNative
{
    /// <summary>The soname the driver installs (the unversioned .so is only in -dev packages).</summary>
    public const string Library = "libnvidia-ml.so.1";

    public const int Success = 0;

    [LibraryImport(Library, EntryPoint = "nvmlInit_v2")]
    public static partial int Init();

    [LibraryImport(Library, EntryPoint = "nvmlShutdown")]
    public static partial int Shutdown();

    /// <summary>Returns a static C string owned by NVML (never freed).</summary>
    [LibraryImport(Library, EntryPoint = "nvmlErrorString")]
    public static partial nint ErrorString(int result);

    [LibraryImport(Library, EntryPoint = "nvmlDeviceGetCount_v2")]
    public static partial int DeviceGetCount(out uint deviceCount);

    [LibraryImport(Library, EntryPoint = "nvmlDeviceGetHandleByIndex_v2")]
    public static partial int DeviceGetHandleByIndex(uint index, out nint device);

    [LibraryImport(Library, EntryPoint = "nvmlSystemGetConfComputeState")]
    public static partial int SystemGetConfComputeState(out NvmlConfComputeSystemStateNative state);

    [LibraryImport(Library, EntryPoint = "nvmlSystemGetConfComputeGpusReadyState")]
    public static partial int SystemGetConfComputeGpusReadyState(out uint isAcceptingWork);

    [LibraryImport(Library, EntryPoint = "nvmlSystemSetConfComputeGpusReadyState")]
    public static partial int SystemSetConfComputeGpusReadyState(uint isAcceptingWork);

    [LibraryImport(Library, EntryPoint = "nvmlDeviceGetConfComputeGpuCertificate")]
    public static partial int DeviceGetConfComputeGpuCertificate(nint device, ref NvmlConfComputeGpuCertificateNative certificate);

    [LibraryImport(Library, EntryPoint = "nvmlDeviceGetConfComputeGpuAttestationReport")]
    public static partial int DeviceGetConfComputeGpuAttestationReport(nint device, ref NvmlConfComputeGpuAttestationReportNative report);
}

/// <summary>
/// <c>typedef struct nvmlConfComputeSystemState_st { unsigned int environment; unsigned int ccFeature;
/// unsigned int devToolsMode; } nvmlConfComputeSystemState_t;</c> (nvml.h; no version field).
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NvmlConfComputeSystemStateNative
{
    public uint Environment;
    public uint CcFeature;
    public uint DevToolsMode;
}

/// <summary>
/// nvml.h:
/// <code>
/// #define NVML_GPU_CERT_CHAIN_SIZE             0x1000
/// #define NVML_GPU_ATTESTATION_CERT_CHAIN_SIZE 0x1400
/// typedef struct nvmlConfComputeGpuCertificate_st {
///     unsigned int certChainSize;
///     unsigned int attestationCertChainSize;
///     unsigned char certChain[NVML_GPU_CERT_CHAIN_SIZE];
///     unsigned char attestationCertChain[NVML_GPU_ATTESTATION_CERT_CHAIN_SIZE];
/// } nvmlConfComputeGpuCertificate_t;
/// </code>
/// 9224 bytes, no padding (all members 4- or 1-aligned, sizes multiples of 4).
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NvmlConfComputeGpuCertificateNative
{
    public const int CertChainCapacity = 0x1000;
    public const int AttestationCertChainCapacity = 0x1400;
    public const int Size = 8 + CertChainCapacity + AttestationCertChainCapacity;

    public uint CertChainSize;
    public uint AttestationCertChainSize;
    public CertChainBuffer CertChain;
    public AttestationCertChainBuffer AttestationCertChain;

    [InlineArray(CertChainCapacity)]
    public struct CertChainBuffer
    {
        private byte _element0;
    }

    [InlineArray(AttestationCertChainCapacity)]
    public struct AttestationCertChainBuffer
    {
        private byte _element0;
    }
}

/// <summary>
/// nvml.h:
/// <code>
/// #define NVML_CC_GPU_CEC_NONCE_SIZE              0x20
/// #define NVML_CC_GPU_ATTESTATION_REPORT_SIZE     0x2000
/// #define NVML_CC_GPU_CEC_ATTESTATION_REPORT_SIZE 0x1000
/// typedef struct nvmlConfComputeGpuAttestationReport_st {
///     unsigned int isCecAttestationReportPresent;
///     unsigned int attestationReportSize;
///     unsigned int cecAttestationReportSize;
///     unsigned char nonce[NVML_CC_GPU_CEC_NONCE_SIZE];      // input: the caller's nonce
///     unsigned char attestationReport[NVML_CC_GPU_ATTESTATION_REPORT_SIZE];
///     unsigned char cecAttestationReport[NVML_CC_GPU_CEC_ATTESTATION_REPORT_SIZE];
/// } nvmlConfComputeGpuAttestationReport_t;
/// </code>
/// The three sizes come <b>before</b> the nonce; 12332 bytes, no padding.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NvmlConfComputeGpuAttestationReportNative
{
    public const int NonceLength = 0x20;
    public const int ReportCapacity = 0x2000;
    public const int CecReportCapacity = 0x1000;
    public const int Size = 12 + NonceLength + ReportCapacity + CecReportCapacity;

    public uint IsCecAttestationReportPresent;
    public uint AttestationReportSize;
    public uint CecAttestationReportSize;
    public NonceBuffer Nonce;
    public ReportBuffer AttestationReport;
    public CecReportBuffer CecAttestationReport;

    [InlineArray(NonceLength)]
    public struct NonceBuffer
    {
        private byte _element0;
    }

    [InlineArray(ReportCapacity)]
    public struct ReportBuffer
    {
        private byte _element0;
    }

    [InlineArray(CecReportCapacity)]
    public struct CecReportBuffer
    {
        private byte _element0;
    }
}
