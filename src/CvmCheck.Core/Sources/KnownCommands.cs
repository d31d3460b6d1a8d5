namespace CvmCheck.Core.Sources;

/// <summary>The fixed allow-list of read-only commands cvmcheck may run (DESIGN.md §1, issue "live
/// probes"). A policy can never add to it.</summary>
public static class KnownCommands
{
    public static readonly string[] NvidiaSmiXml = ["nvidia-smi", "-q", "-x"];
    public static readonly string[] NvidiaSmiQuery = ["nvidia-smi", "-q"];
    public static readonly string[] ConfComputeFeature = ["nvidia-smi", "conf-compute", "-f"];
    public static readonly string[] ConfComputeEnvironment = ["nvidia-smi", "conf-compute", "-e"];
    public static readonly string[] ConfComputeReadyState = ["nvidia-smi", "conf-compute", "-grs"];
    public static readonly string[] ConfComputeQuery = ["nvidia-smi", "conf-compute", "-q"];
    public static readonly string[] UnameRelease = ["uname", "-r"];
    public static readonly string[] PersistencedActive = ["systemctl", "is-active", "nvidia-persistenced"];
    public static readonly string[] LspciNvidia = ["lspci", "-nnvv", "-d", "10de:"];
    public static readonly string[] Dmesg = ["dmesg"];
    public static readonly string[] JournalKernel = ["journalctl", "-k", "-b", "--no-pager"];

    public static readonly IReadOnlyList<string[]> All =
    [
        NvidiaSmiXml, NvidiaSmiQuery, ConfComputeFeature, ConfComputeEnvironment, ConfComputeReadyState, ConfComputeQuery,
        UnameRelease, PersistencedActive, LspciNvidia, Dmesg, JournalKernel,
    ];

    public static bool IsAllowed(IReadOnlyList<string> argv) => All.Any(a => a.SequenceEqual(argv, StringComparer.Ordinal));
}
