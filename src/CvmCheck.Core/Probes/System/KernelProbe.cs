using System.IO.Compression;
using System.Text;
using CvmCheck.Core.Facts;
using CvmCheck.Core.Sources;
using CvmCheck.Formats.Linux;

namespace CvmCheck.Core.Probes.System;

/// <summary>Kernel release, command line, IOMMU, loaded modules and build configuration.</summary>
public sealed class KernelProbe : IProbe
{
    public const string OsRelease = "proc/sys/kernel/osrelease";
    public const string Cmdline = "proc/cmdline";
    public const string Modules = "proc/modules";
    public const string ConfigGz = "proc/config.gz";
    public const string IommuGroups = "sys/kernel/iommu_groups";

    /// <summary>Kernel options worth listing in <c>facts</c>; any other <c>kernel.config.*</c> is
    /// resolved on demand from the same config file.</summary>
    public static readonly string[] ListedConfigs =
    [
        "CONFIG_EFI", "CONFIG_EFI_STUB", "CONFIG_INTEL_TDX_GUEST", "CONFIG_TDX_GUEST_DRIVER", "CONFIG_TSM_REPORTS",
        "CONFIG_SWIOTLB_DYNAMIC", "CONFIG_INTEL_IOMMU", "CONFIG_VFIO_PCI", "CONFIG_CRYPTO_ECDSA", "CONFIG_CRYPTO_ECDH",
        "CONFIG_AMD_MEM_ENCRYPT", "CONFIG_UNACCEPTED_MEMORY",
    ];

    public string Name => "kernel";

    public void Run(ProbeContext context)
    {
        var facts = context.Facts;
        var release = context.TryReadText(OsRelease)?.Trim();
        if (!string.IsNullOrEmpty(release))
        {
            facts.Add(Fact.Of(FactNames.KernelVersion, release, OsRelease, 1));
        }
        else
        {
            var uname = context.Source.RunCommand(KnownCommands.UnameRelease);
            var text = uname.Succeeded ? uname.StdoutText.Trim() : null;
            facts.Add(!string.IsNullOrEmpty(text)
                ? Fact.Of(FactNames.KernelVersion, text, uname.ArtifactPath, 1)
                : Fact.Unavailable(FactNames.KernelVersion, uname.Status == CommandStatus.NotRecorded ? FactReasons.Absent : uname.FailureReason, null, [OsRelease, uname.ArtifactPath]));
        }

        var cmdline = context.ReadText(Cmdline, FactNames.KernelCmdline)?.Trim();
        if (cmdline is not null)
        {
            facts.Add(Fact.Of(FactNames.KernelCmdline, cmdline, Cmdline, 1));
        }

        AddIommu(context, cmdline);
        AddModules(context);
        AddConfig(context, release ?? facts.Get(FactNames.KernelVersion).ValueText);
    }

    private static void AddIommu(ProbeContext context, string? cmdline)
    {
        var groups = context.Source.ListDirectory(IommuGroups);
        var words = (cmdline ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var off = words.Any(w => w is "intel_iommu=off" or "iommu=off" or "amd_iommu=off");
        var on = groups.Count > 0 || words.Any(w => w is "intel_iommu=on" or "iommu=pt" or "iommu=on" or "amd_iommu=on");
        if (cmdline is null && groups.Count == 0)
        {
            context.Facts.Add(Fact.Absent(FactNames.KernelIommu, [Cmdline, IommuGroups]));
            return;
        }

        context.Facts.Add(Fact.Of(FactNames.KernelIommu, on && !off, groups.Count > 0 ? IommuGroups : Cmdline, groups.Count > 0 ? null : 1));
    }

    private static void AddModules(ProbeContext context)
    {
        var text = context.ReadText(Modules, FactNames.KernelModules);
        if (text is null)
        {
            context.Facts.Add(Fact.Absent(FactNames.NvidiaModuleLoaded, [Modules]));
            return;
        }

        var names = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')[0]).ToArray();
        context.Facts.Add(Fact.Of(FactNames.KernelModules, string.Join(',', names), Modules));
        var line = Array.IndexOf(names, "nvidia");
        context.Facts.Add(Fact.Of(FactNames.NvidiaModuleLoaded, line >= 0, Modules, line >= 0 ? line + 1 : null));
    }

    private static void AddConfig(ProbeContext context, string? release)
    {
        var facts = context.Facts;
        var candidates = new List<string>();
        if (!string.IsNullOrEmpty(release))
        {
            candidates.Add("boot/config-" + release);
        }

        candidates.AddRange(context.Source.ListDirectory("boot").Where(n => n.StartsWith("config-", StringComparison.Ordinal)).Select(n => "boot/" + n));
        candidates.Add(ConfigGz);
        string? path = null;
        string? text = null;
        foreach (var candidate in candidates.Distinct())
        {
            text = candidate == ConfigGz ? ReadGzip(context.Source, candidate) : context.TryReadText(candidate);
            if (text is not null)
            {
                path = candidate;
                break;
            }
        }

        if (path is null || text is null)
        {
            facts.Add(Fact.Absent(FactNames.KernelConfigSource, candidates));
            foreach (var name in ListedConfigs)
            {
                facts.Add(Fact.Absent(FactNames.KernelConfigPrefix + name, candidates));
            }

            facts.AddResolver(FactNames.KernelConfigPrefix, name => Fact.Absent(name, candidates));
            return;
        }

        facts.Add(Fact.Of(FactNames.KernelConfigSource, path, path));
        var entries = KeyValueFile.ParseKernelConfig(text).GroupBy(e => e.Key).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
        foreach (var name in ListedConfigs)
        {
            facts.Add(ConfigFact(name, entries, path));
        }

        facts.AddResolver(FactNames.KernelConfigPrefix, name => ConfigFact(name[FactNames.KernelConfigPrefix.Length..], entries, path));
    }

    /// <summary>An option the config does not mention is not built in: <c>n</c> (that is what Kconfig means).</summary>
    private static Fact ConfigFact(string option, Dictionary<string, KeyValueFile.Entry> entries, string path) =>
        entries.TryGetValue(option, out var e)
            ? Fact.Of(FactNames.KernelConfigPrefix + option, e.Value, path, e.Line)
            : Fact.Of(FactNames.KernelConfigPrefix + option, "n", path);

    private static string? ReadGzip(ISystemSource source, string path)
    {
        var read = source.ReadFile(path);
        if (!read.Ok)
        {
            return null;
        }

        try
        {
            using var gz = new GZipStream(new MemoryStream(read.Bytes), CompressionMode.Decompress);
            using var reader = new StreamReader(gz, Encoding.UTF8);
            var buffer = new char[16 * 1024 * 1024];
            var n = reader.ReadBlock(buffer, 0, buffer.Length);
            return new string(buffer, 0, n);
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }
}
