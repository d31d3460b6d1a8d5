using System.Globalization;
using CvmCheck.Core.Facts;
using CvmCheck.Core.Sources;

namespace CvmCheck.Core.Probes.Pci;

/// <summary>
/// NVIDIA PCI functions (vendor 0x10de) as sysfs shows them: ids, class, NUMA node, IOMMU group and
/// its size (a GPU passed through without the rest of its group fails to bind), BAR sizes (an
/// unassigned BAR1 under SeaBIOS or a small MMIO window is seed 001's "BAR1 is 0M"), the bound
/// driver and the negotiated link. Facts <c>pci.nvidia.count</c> and <c>pci.nvidia[i].*</c>, in BDF
/// order. When NVIDIA functions are found, <c>lspci -nnvv -d 10de:</c> is run too, for the record.
/// </summary>
public sealed class PciProbe : IProbe
{
    public const string Devices = "sys/bus/pci/devices";
    public const string IommuGroups = "sys/kernel/iommu_groups";
    public const string NvidiaVendor = "0x10de";

    /// <summary>Linux <c>IORESOURCE_MEM_64</c>: a 64-bit BAR takes two registers, so the next line of
    /// <c>resource</c> is its upper half, not a BAR of its own.</summary>
    private const ulong IoResourceMem64 = 0x0010_0000;

    private const int BarRegisters = 6;

    public string Name => "pci";

    public void Run(ProbeContext context)
    {
        var source = context.Source;
        var facts = context.Facts;
        if (!source.Exists(Devices))
        {
            facts.Add(Fact.Absent(FactNames.PciNvidiaCount, [Devices]));
            return;
        }

        var nvidia = source.ListDirectory(Devices)
            .Where(bdf => context.TryReadText($"{Devices}/{bdf}/vendor")?.Trim() == NvidiaVendor)
            .ToArray();
        facts.Add(Fact.Of(FactNames.PciNvidiaCount, (long)nvidia.Length, Devices));
        for (var i = 0; i < nvidia.Length; i++)
        {
            AddDevice(context, i, nvidia[i]);
        }

        if (nvidia.Length > 0)
        {
            source.RunCommand(KnownCommands.LspciNvidia);
        }
    }

    private static void AddDevice(ProbeContext context, int index, string bdf)
    {
        var facts = context.Facts;
        var dir = $"{Devices}/{bdf}";
        string Name(string suffix) => FactNames.ForPciNvidia(index, suffix);

        facts.Add(Fact.Of(Name(FactNames.PciNvidia.Bdf), bdf, dir));
        AddText(context, Name(FactNames.PciNvidia.DeviceId), dir + "/device");
        AddText(context, Name(FactNames.PciNvidia.Class), dir + "/class");
        AddNumber(context, Name(FactNames.PciNvidia.NumaNode), dir + "/numa_node");
        AddText(context, Name(FactNames.PciNvidia.LinkSpeed), dir + "/current_link_speed");
        AddNumber(context, Name(FactNames.PciNvidia.LinkWidth), dir + "/current_link_width");

        var driver = context.Source.ReadFile(dir + "/driver");
        facts.Add(driver.Ok ? Fact.Of(Name(FactNames.PciNvidia.Driver), Basename(driver.Text!), dir + "/driver") : Missing(Name(FactNames.PciNvidia.Driver), driver));

        var group = context.Source.ReadFile(dir + "/iommu_group");
        if (group.Ok && Basename(group.Text!) is { Length: > 0 } g)
        {
            facts.Add(Fact.Of(Name(FactNames.PciNvidia.IommuGroup), g, dir + "/iommu_group"));
            var members = $"{IommuGroups}/{g}/devices";
            var size = context.Source.ListDirectory(members).Count;
            facts.Add(size > 0 ? Fact.Of(Name(FactNames.PciNvidia.IommuGroupSize), (long)size, members) : Fact.Absent(Name(FactNames.PciNvidia.IommuGroupSize), [members]));
        }
        else
        {
            facts.Add(Missing(Name(FactNames.PciNvidia.IommuGroup), group));
            facts.Add(Missing(Name(FactNames.PciNvidia.IommuGroupSize), group));
        }

        AddBars(context, index, dir + "/resource");
    }

    private static void AddBars(ProbeContext context, int index, string path)
    {
        var names = new[] { FactNames.PciNvidia.Bar0Mb, FactNames.PciNvidia.Bar1Mb, FactNames.PciNvidia.Bar2Mb };
        var read = context.Source.ReadFile(path);
        if (!read.Ok)
        {
            foreach (var n in names)
            {
                context.Facts.Add(Missing(FactNames.ForPciNvidia(index, n), read));
            }

            return;
        }

        var bars = ParseBars(read.Text!, out var error);
        for (var b = 0; b < names.Length; b++)
        {
            var name = FactNames.ForPciNvidia(index, names[b]);
            context.Facts.Add(error is not null ? Fact.Unavailable(name, FactReasons.Unparseable(error), path)
                : b < bars.Count ? Fact.Of(name, bars[b].SizeBytes / (1024 * 1024), path, bars[b].Line)
                : Fact.Absent(name, [path]));
        }
    }

    /// <summary>One BAR: its size in bytes and the 1-based line of <c>resource</c> it came from.</summary>
    public readonly record struct Bar(long SizeBytes, int Line);

    /// <summary>
    /// BARs in the numbering NVIDIA uses (BAR0 registers, BAR1 framebuffer aperture, BAR2 …): the first
    /// six lines of sysfs <c>resource</c> are "start end flags" in hex, one per BAR register; a 64-bit
    /// BAR's upper register is skipped. Size = end − start + 1 when end ≠ 0, else 0 (unassigned).
    /// </summary>
    public static IReadOnlyList<Bar> ParseBars(string resource, out string? error)
    {
        error = null;
        var bars = new List<Bar>();
        var lines = resource.Split('\n');
        for (var i = 0; i < Math.Min(lines.Length, BarRegisters); i++)
        {
            var fields = lines[i].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 0 && i == lines.Length - 1)
            {
                break; // the final newline
            }

            if (fields.Length < 3 || !TryHex(fields[0], out var start) || !TryHex(fields[1], out var end) || !TryHex(fields[2], out var flags))
            {
                error = $"resource line {i + 1}: expected 'start end flags' in hex";
                return [];
            }

            var size = end == 0 || end < start ? 0 : (long)Math.Min(end - start + 1, long.MaxValue);
            bars.Add(new Bar(size, i + 1));
            if ((flags & IoResourceMem64) != 0)
            {
                i++;
            }
        }

        return bars;
    }

    private static bool TryHex(string text, out ulong value) =>
        ulong.TryParse(text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? text[2..] : text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);

    private static void AddText(ProbeContext context, string name, string path)
    {
        var read = context.Source.ReadFile(path);
        var text = read.Ok ? read.Text!.Trim() : null;
        context.Facts.Add(!read.Ok ? Missing(name, read) : text!.Length > 0 ? Fact.Of(name, text, path, 1) : Fact.Absent(name, [path]));
    }

    private static void AddNumber(ProbeContext context, string name, string path)
    {
        var read = context.Source.ReadFile(path);
        if (!read.Ok)
        {
            context.Facts.Add(Missing(name, read));
            return;
        }

        var text = read.Text!.Trim();
        context.Facts.Add(long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)
            ? Fact.Of(name, n, path, 1)
            : Fact.Unavailable(name, FactReasons.Unparseable($"'{text}' is not a number"), path));
    }

    private static Fact Missing(string name, ArtifactRead read) => read.Status switch
    {
        ArtifactStatus.Absent => Fact.Absent(name, [read.Path]),
        ArtifactStatus.Ok => Fact.Unavailable(name, FactReasons.Unparseable("empty link target"), read.Path),
        _ => Fact.Unavailable(name, read.Reason ?? FactReasons.Unreadable("unknown"), read.Path),
    };

    private static string Basename(string linkTarget) => linkTarget.Trim().TrimEnd('/').Split('/')[^1];
}
