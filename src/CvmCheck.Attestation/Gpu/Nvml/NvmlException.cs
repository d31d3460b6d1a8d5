namespace CvmCheck.Attestation.Gpu.Nvml;

/// <summary>An NVML call returned something other than NVML_SUCCESS; the message names the function and NVML's own error string.</summary>
public sealed class NvmlException(string function, int code, string description)
    : Exception($"{function} failed: {description} (nvmlReturn_t {code})")
{
    public string Function { get; } = function;

    public int Code { get; } = code;
}

/// <summary>Why NVML could not be used at all on this host.</summary>
public enum NvmlUnavailableReason
{
    /// <summary><c>libnvidia-ml.so.1</c> is not installed (no NVIDIA driver user space on this host).</summary>
    NotFound,

    /// <summary>The library loaded but <c>nvmlInit_v2</c> failed (driver not loaded, no permission, …).</summary>
    InitFailed,

    /// <summary>The library lacks a confidential-computing entry point (driver older than R535).</summary>
    MissingEntryPoint,
}

/// <summary>NVML cannot be used on this host; the message says why and what to do.</summary>
public sealed class NvmlUnavailableException(NvmlUnavailableReason reason, string message) : Exception(message)
{
    public NvmlUnavailableReason Reason { get; } = reason;

    /// <summary>The stable code printed in reports: <c>NvmlNotFound</c>, <c>NvmlInitFailed</c>, <c>NvmlEntryPointMissing</c>.</summary>
    public string Code => Reason switch
    {
        NvmlUnavailableReason.NotFound => "NvmlNotFound",
        NvmlUnavailableReason.InitFailed => "NvmlInitFailed",
        _ => "NvmlEntryPointMissing",
    };
}
