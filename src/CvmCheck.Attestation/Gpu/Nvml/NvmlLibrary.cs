using System.Runtime.InteropServices;

namespace CvmCheck.Attestation.Gpu.Nvml;

/// <summary>
/// <see cref="INvml"/> over the real <c>libnvidia-ml.so.1</c>. <see cref="Open()"/> first probes for the
/// library with <see cref="NativeLibrary.TryLoad(string, out nint)"/>, so a host without the NVIDIA driver's
/// user space gets a clear <see cref="NvmlUnavailableException"/> ("NVML not found") instead of a
/// <see cref="DllNotFoundException"/> from the first call. Not thread-safe; one per run.
/// </summary>
public sealed class NvmlLibrary : INvml
{
    private bool _disposed;

    private NvmlLibrary()
    {
    }

    /// <summary>Loads NVML and runs <c>nvmlInit_v2</c>.</summary>
    public static INvml Open() => Open(NvmlNative.Library);

    /// <summary>
    /// <paramref name="probe"/> is the name given to the loader probe only (a seam for the "not installed"
    /// test); the calls themselves always bind <see cref="NvmlNative.Library"/>.
    /// </summary>
    internal static INvml Open(string probe)
    {
        if (!NativeLibrary.TryLoad(probe, out _))
        {
            throw new NvmlUnavailableException(
                NvmlUnavailableReason.NotFound,
                $"NVML not found: {probe} could not be loaded. Install the NVIDIA driver (its user-space libraries provide NVML) in this guest, or run where the GPUs are.");
        }

        int result;
        try
        {
            result = NvmlNative.Init();
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            throw new NvmlUnavailableException(NvmlUnavailableReason.MissingEntryPoint, $"NVML unusable: {e.Message}");
        }

        if (result != NvmlNative.Success)
        {
            throw new NvmlUnavailableException(
                NvmlUnavailableReason.InitFailed,
                $"NVML found but nvmlInit_v2 failed: {Describe(result)} (nvmlReturn_t {result}). Is the nvidia kernel module loaded, and do you have access to /dev/nvidia*?");
        }

        return new NvmlLibrary();
    }

    public int GetDeviceCount()
    {
        uint count = 0;
        Call("nvmlDeviceGetCount_v2", () => NvmlNative.DeviceGetCount(out count));
        return checked((int)count);
    }

    public NvmlConfComputeState GetConfComputeState()
    {
        var native = default(NvmlConfComputeSystemStateNative);
        Call("nvmlSystemGetConfComputeState", () => NvmlNative.SystemGetConfComputeState(out native));
        return new NvmlConfComputeState(native.Environment, native.CcFeature, native.DevToolsMode);
    }

    public bool GetGpusReadyState()
    {
        uint accepting = 0;
        Call("nvmlSystemGetConfComputeGpusReadyState", () => NvmlNative.SystemGetConfComputeGpusReadyState(out accepting));
        return accepting == 1; // NVML_CC_ACCEPTING_CLIENT_REQUESTS_TRUE
    }

    public void SetGpusReadyState(bool acceptingWork) =>
        Call("nvmlSystemSetConfComputeGpusReadyState", () => NvmlNative.SystemSetConfComputeGpusReadyState(acceptingWork ? 1u : 0u));

    public NvmlAttestationReport GetAttestationReport(int deviceIndex, ReadOnlySpan<byte> nonce)
    {
        const string Function = "nvmlDeviceGetConfComputeGpuAttestationReport";
        if (nonce.Length != NvmlConfComputeGpuAttestationReportNative.NonceLength)
        {
            throw new ArgumentException($"the nonce must be {NvmlConfComputeGpuAttestationReportNative.NonceLength} bytes", nameof(nonce));
        }

        var device = Device(deviceIndex);
        var native = default(NvmlConfComputeGpuAttestationReportNative);
        nonce.CopyTo(native.Nonce);
        var result = Invoke(Function, () => NvmlNative.DeviceGetConfComputeGpuAttestationReport(device, ref native));
        ThrowIfFailed(Function, result);

        var report = Cut(Function, "attestationReportSize", native.AttestationReport, native.AttestationReportSize);
        var cec = native.IsCecAttestationReportPresent == 1
            ? Cut(Function, "cecAttestationReportSize", native.CecAttestationReport, native.CecAttestationReportSize)
            : null;
        return new NvmlAttestationReport(report, ((ReadOnlySpan<byte>)native.Nonce).ToArray(), cec);
    }

    public NvmlGpuCertificate GetCertificate(int deviceIndex)
    {
        const string Function = "nvmlDeviceGetConfComputeGpuCertificate";
        var device = Device(deviceIndex);
        var native = default(NvmlConfComputeGpuCertificateNative);
        var result = Invoke(Function, () => NvmlNative.DeviceGetConfComputeGpuCertificate(device, ref native));
        ThrowIfFailed(Function, result);
        return new NvmlGpuCertificate(
            Cut(Function, "certChainSize", native.CertChain, native.CertChainSize),
            Cut(Function, "attestationCertChainSize", native.AttestationCertChain, native.AttestationCertChainSize));
    }

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _ = NvmlNative.Shutdown();
        }
    }

    private static nint Device(int index)
    {
        nint device = 0;
        Call("nvmlDeviceGetHandleByIndex_v2", () => NvmlNative.DeviceGetHandleByIndex(checked((uint)index), out device));
        return device;
    }

    /// <summary>A size NVML reports larger than its own buffer is a driver bug; never read past the buffer.</summary>
    private static byte[] Cut(string function, string field, ReadOnlySpan<byte> buffer, uint size) =>
        size <= (uint)buffer.Length
            ? buffer[..(int)size].ToArray()
            : throw new NvmlException(function, -1, $"{field} {size} exceeds the {buffer.Length}-byte buffer");

    private static void Call(string function, Func<int> call) => ThrowIfFailed(function, Invoke(function, call));

    private static int Invoke(string function, Func<int> call)
    {
        try
        {
            return call();
        }
        catch (EntryPointNotFoundException)
        {
            throw new NvmlUnavailableException(
                NvmlUnavailableReason.MissingEntryPoint,
                $"NVML has no {function}: the driver predates confidential computing (R535 or later is needed).");
        }
    }

    private static void ThrowIfFailed(string function, int result)
    {
        if (result != NvmlNative.Success)
        {
            throw new NvmlException(function, result, Describe(result));
        }
    }

    private static string Describe(int result)
    {
        try
        {
            return Marshal.PtrToStringUTF8(NvmlNative.ErrorString(result)) ?? "unknown error";
        }
        catch (EntryPointNotFoundException)
        {
            return "unknown error";
        }
    }
}
