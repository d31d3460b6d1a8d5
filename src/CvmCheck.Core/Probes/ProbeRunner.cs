using CvmCheck.Core.Facts;
using CvmCheck.Core.Probes.Nvidia;
using CvmCheck.Core.Probes.Pci;
using CvmCheck.Core.Probes.System;
using CvmCheck.Core.Probes.Tdx;
using CvmCheck.Core.Sources;

namespace CvmCheck.Core.Probes;

/// <summary>Runs every probe, in order, over one source and returns the facts.</summary>
public static class ProbeRunner
{
    /// <summary>The probes in the order they run (later probes may read earlier facts).</summary>
    public static IReadOnlyList<IProbe> Default { get; } =
    [
        new KernelProbe(), new OsProbe(), new PlatformProbe(), new CpuProbe(), new TdxProbe(), new SwiotlbProbe(), new PciProbe(),
        new DriverProbe(), new ModuleParamsProbe(), new GpuProbe(), new ConfComputeProbe(), new PersistencedProbe(),
    ];

    public static FactSet Collect(ISystemSource source, IReadOnlyList<IProbe>? probes = null)
    {
        var facts = new FactSet();
        var context = new ProbeContext(source, facts);
        foreach (var probe in probes ?? Default)
        {
            probe.Run(context);
        }

        return facts;
    }
}
