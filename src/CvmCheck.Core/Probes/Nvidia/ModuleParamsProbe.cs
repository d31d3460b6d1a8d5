using CvmCheck.Core.Facts;
using CvmCheck.Formats.Linux;

namespace CvmCheck.Core.Probes.Nvidia;

/// <summary>
/// nvidia.ko parameters as <c>module.nvidia.param.NVreg_&lt;Name&gt;</c>. What the loaded module reports
/// wins (<c>proc/driver/nvidia/params</c>, then <c>sys/module/nvidia/parameters</c>); <c>etc/modprobe.d</c>
/// only says what the next load will use, so it fills in names the running module did not report.
/// </summary>
public sealed class ModuleParamsProbe : IProbe
{
    public const string ProcParams = "proc/driver/nvidia/params";
    public const string SysParams = "sys/module/nvidia/parameters";
    public const string ModprobeDir = "etc/modprobe.d";

    public string Name => "nvidia-module-params";

    public void Run(ProbeContext context)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        void Add(string name, string value, string artifact, int? line)
        {
            var key = name.StartsWith("NVreg_", StringComparison.Ordinal) ? name : "NVreg_" + name;
            if (seen.Add(key))
            {
                context.Facts.Add(Fact.Of(FactNames.ModuleNvidiaParamPrefix + key, value, artifact, line));
            }
        }

        if (context.TryReadText(ProcParams) is { } proc)
        {
            foreach (var e in KeyValueFile.ParseColonSeparated(proc))
            {
                Add(e.Key, e.Value, ProcParams, e.Line);
            }
        }

        foreach (var file in context.Source.ListDirectory(SysParams))
        {
            var path = $"{SysParams}/{file}";
            if (context.TryReadText(path) is { } value)
            {
                Add(file, value.Trim(), path, 1);
            }
        }

        foreach (var file in context.Source.ListDirectory(ModprobeDir).Where(f => f.EndsWith(".conf", StringComparison.Ordinal)))
        {
            var path = $"{ModprobeDir}/{file}";
            if (context.TryReadText(path) is { } conf)
            {
                foreach (var option in ModprobeConf.Parse(conf).Where(o => o.Module == "nvidia"))
                {
                    Add(option.Name, option.Value, path, option.Line);
                }
            }
        }

        string[] consulted = [ProcParams, SysParams, ModprobeDir];
        context.Facts.AddResolver(FactNames.ModuleNvidiaParamPrefix, name => Fact.Absent(name, consulted));
    }
}
