using CvmCheck.Core.Facts;
using CvmCheck.Core.Sources;
using CvmCheck.Formats.Nvidia;

namespace CvmCheck.Core.Probes.Nvidia;

/// <summary>
/// GPU confidential-computing state from <c>nvidia-smi conf-compute</c>: <c>-f</c> (mode), <c>-e</c>
/// (environment), <c>-grs</c> (GPUs ready state), with the <c>-q</c> block as a fallback. nvidia-smi
/// reports these system-wide; each GPU gets the system value (DESIGN.md §1b).
/// </summary>
public sealed class ConfComputeProbe : IProbe
{
    public string Name => "nvidia-conf-compute";

    public void Run(ProbeContext context)
    {
        var query = new Lazy<CommandOutput>(() => context.Source.RunCommand(KnownCommands.ConfComputeQuery));
        var mode = Read(context, KnownCommands.ConfComputeFeature, query, FactNames.CcMode, t => ConfComputeText.ReadMode(t) is { } v ? (v.Value, v.Line) : null);
        var env = Read(context, KnownCommands.ConfComputeEnvironment, query, FactNames.CcEnvironment, t => ConfComputeText.ReadEnvironment(t) is { } v ? (v.Value, v.Line) : null);
        var ready = Read(context, KnownCommands.ConfComputeReadyState, query, FactNames.CcReady, t => ConfComputeText.ReadReady(t) is { } v ? (v.Value, v.Line) : null);

        for (var i = 0; i < context.Facts.GpuCount; i++)
        {
            context.Facts.Add(mode with { Name = FactNames.ForGpu(i, FactNames.Gpu.CcMode) });
            context.Facts.Add(env with { Name = FactNames.ForGpu(i, FactNames.Gpu.CcEnvironment) });
            context.Facts.Add(ready with { Name = FactNames.ForGpu(i, FactNames.Gpu.CcReady) });
        }
    }

    private static Fact Read(ProbeContext context, string[] argv, Lazy<CommandOutput> query, string fact, Func<string, (object Value, int? Line)?> parse)
    {
        var output = context.Source.RunCommand(argv);
        foreach (var candidate in new[] { output, query.Value })
        {
            if (candidate.Succeeded && parse(candidate.StdoutText) is { } value)
            {
                var f = Fact.Of(fact, value.Value, candidate.ArtifactPath, value.Line);
                context.Facts.Add(f);
                return f;
            }
        }

        Fact result = output.Status switch
        {
            CommandStatus.NotRecorded when query.Value.Status == CommandStatus.NotRecorded => Fact.Absent(fact, [output.ArtifactPath, query.Value.ArtifactPath]),
            CommandStatus.NotRecorded => Fact.Unavailable(fact, query.Value.Succeeded ? FactReasons.Unparseable("no such value in the conf-compute report") : query.Value.FailureReason, query.Value.ArtifactPath),
            CommandStatus.Ran when output.ExitCode == 0 => Fact.Unavailable(fact, FactReasons.Unparseable($"unexpected output '{Head(output.StdoutText)}'"), output.ArtifactPath),
            _ => Fact.Unavailable(fact, output.FailureReason, output.ArtifactPath),
        };
        context.Facts.Add(result);
        return result;
    }

    private static string Head(string text)
    {
        var line = text.Split('\n').FirstOrDefault(l => l.Trim().Length > 0)?.Trim() ?? string.Empty;
        return line.Length > 80 ? line[..80] + "…" : line;
    }
}
