using CvmCheck.Core.Facts;

namespace CvmCheck.Core.Probes.System;

/// <summary>
/// SWIOTLB, the bounce buffer every DMA of a TDX guest goes through (private memory is not reachable
/// by devices): its size from "software IO TLB: mapped [mem …] (N MB)" and how often the kernel said
/// "swiotlb buffer is full" (then GPU and NIC DMA fail; signature <c>tdx.swiotlb-full</c>).
/// </summary>
public sealed class SwiotlbProbe : IProbe
{
    public string Name => "swiotlb";

    public void Run(ProbeContext context)
    {
        var log = context.KernelLog;
        var facts = context.Facts;
        if (log.Artifact is null)
        {
            facts.Add(Fact.Absent(FactNames.SwiotlbSizeMb, []));
            facts.Add(Fact.Absent(FactNames.SwiotlbFullCount, []));
            return;
        }

        facts.Add(log.SwiotlbSizeMb is long mb
            ? Fact.Of(FactNames.SwiotlbSizeMb, mb, log.Artifact, log.SwiotlbLine!.Number)
            : Fact.Absent(FactNames.SwiotlbSizeMb, [log.Artifact]));
        facts.Add(Fact.Of(FactNames.SwiotlbFullCount, (long)log.SwiotlbFullCount, log.Artifact, log.FirstSwiotlbFull?.Number));
    }
}
