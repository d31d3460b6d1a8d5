using CvmCheck.Core.Facts;
using CvmCheck.Core.Sources;

namespace CvmCheck.Core.Probes.Nvidia;

/// <summary>Is nvidia-persistenced running? (<c>systemctl is-active nvidia-persistenced</c>.) In CC mode
/// without it, every new client re-initialises and re-attests the GPU.</summary>
public sealed class PersistencedProbe : IProbe
{
    public string Name => "nvidia-persistenced";

    public void Run(ProbeContext context)
    {
        var output = context.Source.RunCommand(KnownCommands.PersistencedActive);
        var state = output.StdoutText.Trim();
        Fact fact = output.Status switch
        {
            // is-active prints the state and exits non-zero when not active: the state is the answer.
            CommandStatus.Ran when state.Length > 0 => Fact.Of(FactNames.NvidiaPersistencedActive, state == "active", output.ArtifactPath, 1),
            CommandStatus.NotRecorded => Fact.Absent(FactNames.NvidiaPersistencedActive, [output.ArtifactPath]),
            _ => Fact.Unavailable(FactNames.NvidiaPersistencedActive, output.FailureReason, output.ArtifactPath),
        };
        context.Facts.Add(fact);
    }
}
