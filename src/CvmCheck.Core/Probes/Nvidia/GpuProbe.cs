using CvmCheck.Core.Facts;
using CvmCheck.Core.Sources;
using CvmCheck.Formats.Nvidia;

namespace CvmCheck.Core.Probes.Nvidia;

/// <summary>
/// GPUs as nvidia-smi reports them (<c>nvidia-smi -q -x</c>, else the text <c>-q</c> report). "No devices
/// were found" is an answer (zero GPUs); a missing binary, a timeout, another non-zero exit or output
/// that does not parse is not, and leaves <c>gpu.count</c> null with the reason.
/// </summary>
public sealed class GpuProbe : IProbe
{
    private const string NoDevices = "No devices were found";

    public string Name => "nvidia-gpus";

    public void Run(ProbeContext context)
    {
        var facts = context.Facts;
        var xml = context.Source.RunCommand(KnownCommands.NvidiaSmiXml);
        var text = xml.Status == CommandStatus.NotRecorded ? context.Source.RunCommand(KnownCommands.NvidiaSmiQuery) : null;
        var output = text is { Status: not CommandStatus.NotRecorded } ? text : xml;

        if (output.Status == CommandStatus.NotRecorded)
        {
            facts.Add(Fact.Absent(FactNames.GpuCount, [xml.ArtifactPath, CommandPaths.Stdout(KnownCommands.NvidiaSmiQuery)]));
            facts.Add(Fact.Absent(FactNames.NvidiaSmiStatus, [xml.ArtifactPath]));
            return;
        }

        if (output.Status == CommandStatus.Ran && (output.StdoutText.Contains(NoDevices, StringComparison.Ordinal) || output.StderrText.Contains(NoDevices, StringComparison.Ordinal)))
        {
            facts.Add(Fact.Of(FactNames.NvidiaSmiStatus, NoDevices, output.ArtifactPath, LineOf(output.StdoutText, NoDevices)));
            facts.Add(Fact.Of(FactNames.GpuCount, 0L, output.ArtifactPath, LineOf(output.StdoutText, NoDevices)));
            return;
        }

        if (!output.Succeeded)
        {
            var reason = output.FailureReason;
            var firstLine = (output.StdoutText + "\n" + output.StderrText).Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0);
            facts.Add(firstLine is null ? Fact.Unavailable(FactNames.NvidiaSmiStatus, reason, output.ArtifactPath) : Fact.Of(FactNames.NvidiaSmiStatus, firstLine, output.ArtifactPath, 1));
            facts.Add(Fact.Unavailable(FactNames.GpuCount, reason, output.ArtifactPath));
            return;
        }

        NvidiaSmiLog log;
        string error;
        var parsed = ReferenceEquals(output, xml)
            ? NvidiaSmiXmlParser.TryParse(new MemoryStream(output.Stdout), out log, out error)
            : NvidiaSmiTextParser.TryParse(output.StdoutText, out log, out error);
        if (!parsed)
        {
            facts.Add(Fact.Unavailable(FactNames.NvidiaSmiStatus, FactReasons.Unparseable(error), output.ArtifactPath));
            facts.Add(Fact.Unavailable(FactNames.GpuCount, FactReasons.Unparseable(error), output.ArtifactPath));
            return;
        }

        facts.Add(Fact.Of(FactNames.NvidiaSmiStatus, "ok", output.ArtifactPath));
        facts.Add(Fact.Of(FactNames.GpuCount, (long)log.Gpus.Count, output.ArtifactPath));
        Add(facts, FactNames.NvidiaCudaVersion, log.CudaVersion, output.ArtifactPath);
        if (!facts.Get(FactNames.NvidiaDriverVersion).IsNull)
        {
            // /proc/driver/nvidia/version already named the loaded module's version.
        }
        else if (log.DriverVersion is not null)
        {
            facts.Add(Fact.Of(FactNames.NvidiaDriverVersion, log.DriverVersion.Value, output.ArtifactPath, log.DriverVersion.Line));
        }

        var driver = facts.Get(FactNames.NvidiaDriverVersion);
        for (var i = 0; i < log.Gpus.Count; i++)
        {
            var gpu = log.Gpus[i];
            var a = output.ArtifactPath;
            Add(facts, FactNames.ForGpu(i, FactNames.Gpu.PciBusId), gpu.BusId, a);
            Add(facts, FactNames.ForGpu(i, FactNames.Gpu.Name), gpu.Name, a);
            Add(facts, FactNames.ForGpu(i, FactNames.Gpu.Uuid), gpu.Uuid, a);
            Add(facts, FactNames.ForGpu(i, FactNames.Gpu.Architecture), gpu.Architecture, a);
            Add(facts, FactNames.ForGpu(i, FactNames.Gpu.VbiosVersion), gpu.VbiosVersion, a);
            Add(facts, FactNames.ForGpu(i, FactNames.Gpu.PersistenceMode), gpu.PersistenceMode, a);
            Add(facts, FactNames.ForGpu(i, FactNames.Gpu.VirtualizationMode), gpu.VirtualizationMode, a);
            Add(facts, FactNames.ForGpu(i, FactNames.Gpu.GspFirmwareVersion), gpu.GspFirmwareVersion, a);
            Add(facts, FactNames.ForGpu(i, FactNames.Gpu.PciDeviceId), gpu.PciDeviceId, a);
            facts.Add(Fact.Of(FactNames.ForGpu(i, FactNames.Gpu.ThrottleReasons), string.Join(',', gpu.ActiveThrottleReasons), a, gpu.ThrottleReasonsLine));
            facts.Add(driver with { Name = FactNames.ForGpu(i, FactNames.Gpu.DriverVersion) });
        }
    }

    private static void Add(FactSet facts, string name, Located<string>? value, string artifact) =>
        facts.Add(value is null ? Fact.Absent(name, [artifact]) : Fact.Of(name, value.Value, artifact, value.Line));

    private static int? LineOf(string text, string needle)
    {
        var lines = text.Split('\n');
        var i = Array.FindIndex(lines, l => l.Contains(needle, StringComparison.Ordinal));
        return i < 0 ? null : i + 1;
    }
}
