using CvmCheck.Core.Facts;

namespace CvmCheck.Core.Probes.Tdx;

/// <summary>
/// Is this a TDX guest? Any of: the cpuinfo <c>tdx_guest</c> flag, the kernel's "tdx: Guest detected" or
/// "Memory Encryption Features active: Intel TDX", CPUID leaf 0x21 vendor "IntelTDX    ", the
/// <c>/dev/tdx_guest</c> node, or a configfs-tsm report whose provider is <c>tdx_guest</c> (SEV-SNP
/// guests have configfs-tsm too). A TDX host's <c>virt/tdx:</c> lines and <c>tdx_host_platform</c> flag
/// do not make a guest.
/// </summary>
public sealed class TdxProbe : IProbe
{
    public const string DeviceNode = "dev/tdx_guest";
    public const string TsmReport = "sys/kernel/config/tsm/report";
    public const string CpuidLeaf = "cpuid/0x21";
    public const string TdxCpuidVendor = "IntelTDX    ";

    public string Name => "tdx";

    public void Run(ProbeContext context)
    {
        var facts = context.Facts;
        var source = context.Source;
        var log = context.KernelLog;

        var device = source.Exists(DeviceNode);
        facts.Add(Fact.Of(FactNames.TdxDevicePresent, device, DeviceNode));

        var tsm = source.Exists(TsmReport);
        facts.Add(Fact.Of(FactNames.TdxTsmAvailable, tsm, TsmReport));
        string? providerPath = null;
        string? provider = null;
        foreach (var entry in source.ListDirectory(TsmReport))
        {
            var path = $"{TsmReport}/{entry}/provider";
            var text = context.TryReadText(path)?.Trim();
            if (!string.IsNullOrEmpty(text))
            {
                (providerPath, provider) = (path, text);
                break;
            }
        }

        facts.Add(provider is null ? Fact.Absent(FactNames.TdxTsmProvider, [TsmReport]) : Fact.Of(FactNames.TdxTsmProvider, provider, providerPath, 1));

        var cpuid = context.TryReadText(CpuidLeaf);
        var cpuidVendor = cpuid?.TrimEnd('\n', '\0');
        facts.Add(cpuidVendor is null ? Fact.Absent(FactNames.TdxCpuidVendor, [CpuidLeaf]) : Fact.Of(FactNames.TdxCpuidVendor, cpuidVendor, CpuidLeaf, 1));

        if (log.MemoryEncryptionFeatures is { } features)
        {
            facts.Add(Fact.Of(FactNames.MemoryEncryptionFeatures, features, log.Artifact, log.MemoryEncryptionLine!.Number));
            facts.Add(Fact.Of(FactNames.MemoryEncryptionActive, true, log.Artifact, log.MemoryEncryptionLine!.Number));
        }
        else
        {
            var consulted = log.Artifact is null ? Array.Empty<string>() : [log.Artifact];
            facts.Add(Fact.Absent(FactNames.MemoryEncryptionFeatures, consulted));
            facts.Add(log.Artifact is null ? Fact.Absent(FactNames.MemoryEncryptionActive, []) : Fact.Of(FactNames.MemoryEncryptionActive, false, log.Artifact));
        }

        facts.Add(log.TdxModuleVersion is null
            ? Fact.Absent(FactNames.TdxModuleVersion, log.Artifact is null ? [] : [log.Artifact])
            : Fact.Of(FactNames.TdxModuleVersion, log.TdxModuleVersion, log.Artifact, log.TdxModuleLine!.Number));

        facts.Add(Detect(facts, log, device, provider, providerPath, cpuidVendor));
    }

    private static Fact Detect(FactSet facts, KernelLogScan log, bool device, string? provider, string? providerPath, string? cpuidVendor)
    {
        var flags = facts.Get(FactNames.CpuFlags);
        if (flags.ValueText is { } f && f.Split(' ').Contains("tdx_guest"))
        {
            return Fact.Of(FactNames.TdxGuestDetected, true, flags.Artifact, flags.Line);
        }

        if (log.TdxGuestLine is { } line)
        {
            return Fact.Of(FactNames.TdxGuestDetected, true, line.Artifact, line.Number);
        }

        if (cpuidVendor == TdxCpuidVendor)
        {
            return Fact.Of(FactNames.TdxGuestDetected, true, CpuidLeaf, 1);
        }

        if (device)
        {
            return Fact.Of(FactNames.TdxGuestDetected, true, DeviceNode);
        }

        if (provider == "tdx_guest")
        {
            return Fact.Of(FactNames.TdxGuestDetected, true, providerPath, 1);
        }

        // None seen: false, citing everything that was consulted.
        return new Fact { Name = FactNames.TdxGuestDetected, Value = false, Consulted = ["proc/cpuinfo", log.Artifact ?? "dev/kmsg", CpuidLeaf, DeviceNode, TsmReport] };
    }
}
