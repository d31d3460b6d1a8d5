using CvmCheck.Core.Facts;
using CvmCheck.Formats.Linux;

namespace CvmCheck.Core.Probes.System;

/// <summary>CPU counts and flags. Present vs online matters: a UEFI guest whose kernel lacks
/// CONFIG_EFI brings up one CPU of many (no ACPI MADT via EFI tables).</summary>
public sealed class CpuProbe : IProbe
{
    public const string CpuInfoPath = "proc/cpuinfo";
    public const string Present = "sys/devices/system/cpu/present";
    public const string Online = "sys/devices/system/cpu/online";

    public string Name => "cpu";

    public void Run(ProbeContext context)
    {
        var facts = context.Facts;
        var cpuinfoText = context.TryReadText(CpuInfoPath);
        var info = cpuinfoText is null ? null : CpuInfo.Parse(cpuinfoText);
        AddCount(context, FactNames.CpuPresentCount, Present, info);
        AddCount(context, FactNames.CpuOnlineCount, Online, info);
        AddOffline(facts);
        if (info is null)
        {
            facts.Add(Fact.Absent(FactNames.CpuFlags, [CpuInfoPath]));
            facts.Add(Fact.Absent(FactNames.CpuModelName, [CpuInfoPath]));
            return;
        }

        facts.Add(info.FlagsLine is null ? Fact.Absent(FactNames.CpuFlags, [CpuInfoPath]) : Fact.Of(FactNames.CpuFlags, string.Join(' ', info.Flags), CpuInfoPath, info.FlagsLine));
        facts.Add(info.ModelName is null ? Fact.Absent(FactNames.CpuModelName, [CpuInfoPath]) : Fact.Of(FactNames.CpuModelName, info.ModelName, CpuInfoPath, info.ModelNameLine));
    }

    /// <summary>Present minus online: rules cannot compare two facts, so the difference is a fact.</summary>
    private static void AddOffline(FactSet facts)
    {
        var present = facts.Get(FactNames.CpuPresentCount);
        var online = facts.Get(FactNames.CpuOnlineCount);
        facts.Add(present.Value is long p && online.Value is long o
            ? new Fact { Name = FactNames.CpuOfflineCount, Value = p - o, Artifact = online.Artifact, Line = online.Line, Consulted = [present.Artifact ?? Present, online.Artifact ?? Online] }
            : Fact.Unavailable(FactNames.CpuOfflineCount, present.Value is null ? present.Reason ?? FactReasons.Absent : online.Reason ?? FactReasons.Absent, null, [Present, Online]));
    }

    private static void AddCount(ProbeContext context, string fact, string path, CpuInfo.Info? info)
    {
        var read = context.Source.ReadFile(path);
        if (read.Ok)
        {
            context.Facts.Add(CpuList.TryCount(read.Text!, out var n)
                ? Fact.Of(fact, (long)n, path, 1)
                : Fact.Unavailable(fact, FactReasons.Unparseable($"'{read.Text!.Trim()}' is not a CPU list such as 0-7"), path));
            return;
        }

        // cpuinfo lists online processors only; it stands in for both counts when sysfs was not captured.
        context.Facts.Add(info is { Processors: > 0 }
            ? Fact.Of(fact, (long)info.Processors, CpuInfoPath)
            : Fact.Unavailable(fact, read.Status == Sources.ArtifactStatus.Absent ? FactReasons.Absent : read.Reason!, null, [path, CpuInfoPath]));
    }
}
