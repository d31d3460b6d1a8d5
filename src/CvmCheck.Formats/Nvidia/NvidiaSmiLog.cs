namespace CvmCheck.Formats.Nvidia;

/// <summary>What cvmcheck reads from one <c>nvidia-smi -q</c> report (XML or text), with the 1-based
/// line each value came from so facts can cite it.</summary>
public sealed record NvidiaSmiLog(
    Located<string>? DriverVersion,
    Located<string>? CudaVersion,
    int? AttachedGpus,
    IReadOnlyList<NvidiaSmiGpu> Gpus);

public sealed record NvidiaSmiGpu
{
    public required Located<string> BusId { get; init; }

    public Located<string>? Name { get; init; }

    public Located<string>? Uuid { get; init; }

    public Located<string>? Architecture { get; init; }

    public Located<string>? VbiosVersion { get; init; }

    /// <summary><c>enabled</c> or <c>disabled</c> (lower case, as DESIGN.md §1b spells it).</summary>
    public Located<string>? PersistenceMode { get; init; }

    public Located<string>? VirtualizationMode { get; init; }

    public Located<string>? GspFirmwareVersion { get; init; }

    public Located<string>? PciDeviceId { get; init; }

    /// <summary>Clock event ("throttle") reasons reported Active, excluding idle; empty when none.</summary>
    public IReadOnlyList<string> ActiveThrottleReasons { get; init; } = [];

    public int? ThrottleReasonsLine { get; init; }
}

/// <summary>A value and the 1-based line it was read from (null when the format has no lines).</summary>
public sealed record Located<T>(T Value, int? Line);
