using System.Runtime.CompilerServices;
using CvmCheck.Formats.Nvidia;

namespace CvmCheck.Fuzz.Targets;

/// <summary>`nvidia-smi-xml`: the <c>nvidia-smi -q -x</c> parser on untrusted bytes (a snapshot or a
/// bundle may be hostile). TryParse must never throw and must explain every rejection; a parsed log
/// must hold what the GPU probe reads.</summary>
internal static class NvidiaSmiXmlTarget
{
    [ModuleInitializer]
    internal static void Register() => FuzzTargets.Register("nvidia-smi-xml", Run);

    private static void Run(ReadOnlyMemory<byte> input)
    {
        using var stream = new MemoryStream(input.ToArray(), writable: false);
        if (NvidiaSmiXmlParser.TryParse(stream, out var log, out var error))
        {
            foreach (var gpu in log.Gpus)
            {
                _ = gpu.BusId.Value.Length;
                _ = gpu.VbiosVersion?.Value;
                _ = gpu.ActiveThrottleReasons.Count;
            }
        }
        else if (string.IsNullOrEmpty(error))
        {
            throw new InvalidOperationException("TryParse failed without an error");
        }
    }
}
