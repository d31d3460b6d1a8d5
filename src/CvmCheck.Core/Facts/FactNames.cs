namespace CvmCheck.Core.Facts;

/// <summary>
/// Fact names (DESIGN.md §1b, contract) — defined once here and referenced everywhere. The catalogue
/// below is what policy validation accepts: system facts, per-GPU facts (written <c>gpu[*].x</c> or
/// <c>gpu[N].x</c> in policies, <c>gpu[N].x</c> in fact sets) and open-ended families such as
/// <c>kernel.config.CONFIG_EFI</c>.
/// </summary>
public static class FactNames
{
    public const string TdxGuestDetected = "tdx.guest.detected";
    public const string TdxDevicePresent = "tdx.device.present";
    public const string TdxTsmAvailable = "tdx.tsm.available";
    public const string TdxTsmProvider = "tdx.tsm.provider";
    public const string TdxCpuidVendor = "tdx.cpuid.vendor";
    public const string TdxModuleVersion = "tdx.module.version";
    public const string MemoryEncryptionActive = "memory.encryption.active";
    public const string MemoryEncryptionFeatures = "memory.encryption.features";
    public const string TdxQuoteVerified = "tdx.quote.verified";
    public const string TdxTcbStatus = "tdx.tcb.status";
    public const string TdxTdDebug = "tdx.td.debug";
    public const string TdxTdMrtd = "tdx.td.mrtd";

    public const string KernelVersion = "kernel.version";
    public const string KernelCmdline = "kernel.cmdline";
    public const string KernelConfigPrefix = "kernel.config.";
    public const string KernelConfigSource = "kernel.config.source";
    public const string KernelModules = "kernel.modules";
    public const string KernelIommu = "kernel.iommu.enabled";
    public const string SwiotlbSizeMb = "kernel.swiotlb.size_mb";
    public const string SwiotlbFullCount = "kernel.swiotlb.full_count";

    public const string OsId = "os.id";
    public const string OsVersionId = "os.version_id";
    public const string OsPrettyName = "os.pretty_name";

    public const string PlatformEfiRuntime = "platform.efi_runtime";
    public const string PlatformBiosVendor = "platform.bios_vendor";
    public const string PlatformBiosVersion = "platform.bios_version";
    public const string PlatformSysVendor = "platform.sys_vendor";
    public const string PlatformProductName = "platform.product_name";
    public const string PlatformFirmware = "platform.firmware";

    public const string CpuPresentCount = "cpu.present_count";
    public const string CpuOnlineCount = "cpu.online_count";
    public const string CpuOfflineCount = "cpu.offline_count";
    public const string CpuFlags = "cpu.flags";
    public const string CpuModelName = "cpu.model_name";

    public const string NvidiaDriverVersion = "nvidia.driver.version";
    public const string NvidiaModuleFlavor = "nvidia.module.flavor";
    public const string NvidiaModuleLoaded = "nvidia.module.loaded";
    public const string NvidiaPersistencedActive = "nvidia.persistenced.active";
    public const string NvidiaSmiStatus = "nvidia.smi.status";
    public const string NvidiaCudaVersion = "nvidia.cuda.version";
    public const string ModuleNvidiaParamPrefix = "module.nvidia.param.";

    public const string CcMode = "cc.mode";
    public const string CcEnvironment = "cc.environment";
    public const string CcReady = "cc.ready";

    public const string GpuCount = "gpu.count";

    public const string PciNvidiaCount = "pci.nvidia.count";

    /// <summary>Per-function suffixes of NVIDIA PCI devices from sysfs: <c>pci.nvidia[i].&lt;suffix&gt;</c>.</summary>
    public static class PciNvidia
    {
        public const string Bdf = "bdf";
        public const string DeviceId = "device_id";
        public const string Class = "class";
        public const string NumaNode = "numa_node";
        public const string IommuGroup = "iommu_group";
        public const string IommuGroupSize = "iommu_group_size";
        public const string Driver = "driver";
        public const string Bar0Mb = "bar0_mb";
        public const string Bar1Mb = "bar1_mb";
        public const string Bar2Mb = "bar2_mb";
        public const string LinkSpeed = "link_speed";
        public const string LinkWidth = "link_width";

        internal static readonly string[] All = [Bdf, DeviceId, Class, NumaNode, IommuGroup, IommuGroupSize, Driver, Bar0Mb, Bar1Mb, Bar2Mb, LinkSpeed, LinkWidth];
    }

    public static string ForPciNvidia(int index, string suffix) => $"pci.nvidia[{index}].{suffix}";

    /// <summary>Per-GPU fact suffixes: <c>gpu[i].&lt;suffix&gt;</c>.</summary>
    public static class Gpu
    {
        public const string Name = "name";
        public const string Uuid = "uuid";
        public const string PciBusId = "pci.bus_id";
        public const string PciDeviceId = "pci.device_id";
        public const string DriverVersion = "driver.version";
        public const string VbiosVersion = "vbios.version";
        public const string PersistenceMode = "persistence_mode";
        public const string CcMode = "cc.mode";
        public const string CcEnvironment = "cc.environment";
        public const string CcReady = "cc.ready";
        public const string Architecture = "architecture";
        public const string VirtualizationMode = "virtualization_mode";
        public const string GspFirmwareVersion = "gsp.firmware_version";
        public const string ThrottleReasons = "throttle.active";
        public const string AttestationVerified = "attestation.verified";
    }

    public static string ForGpu(int index, string suffix) => $"gpu[{index}].{suffix}";

    private static readonly string[] SystemNames =
    [
        TdxGuestDetected, TdxDevicePresent, TdxTsmAvailable, TdxTsmProvider, TdxCpuidVendor, TdxModuleVersion,
        MemoryEncryptionActive, MemoryEncryptionFeatures,
        TdxQuoteVerified, TdxTcbStatus, TdxTdDebug, TdxTdMrtd,
        "tdx.td.rtmr[0]", "tdx.td.rtmr[1]", "tdx.td.rtmr[2]", "tdx.td.rtmr[3]", "tdx.td.report_data",
        "tdx.td.mrconfigid", "tdx.td.mrowner", "tdx.td.mrownerconfig", "tdx.td.xfam", "tdx.tee_tcb_svn", "tdx.fmspc",
        "tdx.advisory_ids", "tdx.collateral.revocation", "tdx.quote.version", "tdx.qe.tcb_status", "tdx.td.mrseam",
        "tdx.td.attributes", "tdx.td.attributes.debug", "tdx.td.attributes.sept_ve_disable", "tdx.td.attributes.pks",
        "tdx.td.attributes.kl", "tdx.td.attributes.perfmon",
        KernelVersion, KernelCmdline, KernelConfigSource, KernelModules, KernelIommu, SwiotlbSizeMb, SwiotlbFullCount,
        OsId, OsVersionId, OsPrettyName,
        PlatformEfiRuntime, PlatformBiosVendor, PlatformBiosVersion, PlatformSysVendor, PlatformProductName, PlatformFirmware,
        CpuPresentCount, CpuOnlineCount, CpuOfflineCount, CpuFlags, CpuModelName,
        NvidiaDriverVersion, NvidiaModuleFlavor, NvidiaModuleLoaded, NvidiaPersistencedActive, NvidiaSmiStatus, NvidiaCudaVersion,
        CcMode, CcEnvironment, CcReady, GpuCount, PciNvidiaCount,
    ];

    private static readonly string[] GpuSuffixes =
    [
        Gpu.Name, Gpu.Uuid, Gpu.PciBusId, Gpu.PciDeviceId, Gpu.DriverVersion, Gpu.VbiosVersion, Gpu.PersistenceMode,
        Gpu.CcMode, Gpu.CcEnvironment, Gpu.CcReady, Gpu.Architecture, Gpu.VirtualizationMode, Gpu.GspFirmwareVersion,
        Gpu.ThrottleReasons, Gpu.AttestationVerified,
        "attestation.signature_valid", "attestation.chain_valid", "attestation.fwid_matches", "attestation.nonce_matches",
        "attestation.driver_version", "attestation.vbios_version", "attestation.measurements_mismatched", "attestation.revocation", "attestation.set_ready",
    ];

    private static readonly string[] OpenPrefixes = [KernelConfigPrefix, ModuleNvidiaParamPrefix];

    /// <summary>Every name a policy may use, in its policy spelling (<c>gpu[*].x</c> for GPU facts and
    /// <c>prefix.*</c> for families); used for "did you mean" suggestions.</summary>
    public static IEnumerable<string> Catalogue =>
        SystemNames.Concat(GpuSuffixes.Select(s => "gpu[*]." + s)).Concat(OpenPrefixes.Select(p => p + "*"))
            .Concat(PciNvidia.All.Select(s => "pci.nvidia[0]." + s));

    /// <summary>True when a policy may name this fact: a known system name, a known GPU suffix behind
    /// <c>gpu[*]</c> or <c>gpu[N]</c>, or a member of an open family.</summary>
    public static bool IsKnown(string name)
    {
        if (SystemNames.Contains(name, StringComparer.Ordinal))
        {
            return true;
        }

        foreach (var prefix in OpenPrefixes)
        {
            if (name.StartsWith(prefix, StringComparison.Ordinal) && name.Length > prefix.Length)
            {
                return true;
            }
        }

        if (IsPciNvidia(name))
        {
            return true;
        }

        return GpuSelector.TryParse(name, out var selector) && GpuSuffixes.Contains(selector.Suffix, StringComparer.Ordinal);
    }

    /// <summary><c>pci.nvidia[N].suffix</c> with a known suffix (rules name one function by index).</summary>
    private static bool IsPciNvidia(string name)
    {
        const string prefix = "pci.nvidia[";
        if (!name.StartsWith(prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var close = name.IndexOf("].", prefix.Length, StringComparison.Ordinal);
        return close > prefix.Length && name[prefix.Length..close].All(char.IsAsciiDigit)
            && PciNvidia.All.Contains(name[(close + 2)..], StringComparer.Ordinal);
    }

    /// <summary>The catalogue name closest to a misspelt one (edit distance), or null.</summary>
    public static string? Suggest(string name)
    {
        var candidate = GpuSelector.TryParse(name, out var sel) ? "gpu[*]." + sel.Suffix : name;
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var known in Catalogue)
        {
            var d = EditDistance(candidate, known);
            if (d < bestDistance)
            {
                bestDistance = d;
                best = known;
            }
        }

        if (best is null || bestDistance > Math.Max(2, candidate.Length / 4))
        {
            return null;
        }

        return sel is not null && best.StartsWith("gpu[*].", StringComparison.Ordinal) && sel.Index is int i
            ? $"gpu[{i}]." + best["gpu[*].".Length..]
            : best;
    }

    private static int EditDistance(string a, string b)
    {
        var prev = new int[b.Length + 1];
        var cur = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            prev[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            cur[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                cur[j] = Math.Min(Math.Min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    cur[j] = Math.Min(cur[j], prev[j - 2 < 0 ? 0 : j - 2] + 1);
                }
            }

            (prev, cur) = (cur, prev);
        }

        return prev[b.Length];
    }
}
