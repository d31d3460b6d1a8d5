using CvmCheck.Core.Facts;
using CvmCheck.Formats.Nvidia;

namespace CvmCheck.Core.Probes.Nvidia;

/// <summary>Driver version and kernel-module flavour from <c>proc/driver/nvidia/version</c>. Hopper and
/// Blackwell in CC mode need the open flavour.</summary>
public sealed class DriverProbe : IProbe
{
    public const string VersionPath = "proc/driver/nvidia/version";

    public string Name => "nvidia-driver";

    public void Run(ProbeContext context)
    {
        var read = context.Source.ReadFile(VersionPath);
        if (!read.Ok)
        {
            var fact = read.Status == Sources.ArtifactStatus.Absent
                ? Fact.Absent(FactNames.NvidiaDriverVersion, [VersionPath])
                : Fact.Unavailable(FactNames.NvidiaDriverVersion, read.Reason!, VersionPath);
            context.Facts.Add(fact);
            context.Facts.Add(fact with { Name = FactNames.NvidiaModuleFlavor });
            return;
        }

        if (!ProcDriverVersion.TryParse(read.Text!, out var info, out var error))
        {
            var reason = FactReasons.Unparseable(error);
            context.Facts.Add(Fact.Unavailable(FactNames.NvidiaDriverVersion, reason, VersionPath));
            context.Facts.Add(Fact.Unavailable(FactNames.NvidiaModuleFlavor, reason, VersionPath));
            return;
        }

        context.Facts.Add(Fact.Of(FactNames.NvidiaDriverVersion, info.Version, VersionPath, info.Line));
        context.Facts.Add(Fact.Of(FactNames.NvidiaModuleFlavor, info.Flavor, VersionPath, info.Line));
    }
}
