using System.Text.RegularExpressions;

namespace CvmCheck.Formats.Nvidia;

/// <summary>
/// <c>/proc/driver/nvidia/version</c>: "NVRM version: NVIDIA UNIX [Open Kernel Module for] x86_64  565.57.01  Release Build …".
/// The words "Open Kernel Module" mark the open flavour; their absence the proprietary one.
/// </summary>
public static partial class ProcDriverVersion
{
    public sealed record Info(string Version, string Flavor, string Architecture, int Line);

    public static bool TryParse(string text, out Info info, out string error)
    {
        info = null!;
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var m = NvrmLine().Match(lines[i]);
            if (m.Success)
            {
                var open = m.Groups["open"].Success;
                info = new Info(m.Groups["version"].Value, open ? "open" : "proprietary", m.Groups["arch"].Value, i + 1);
                error = string.Empty;
                return true;
            }
        }

        error = "no 'NVRM version: NVIDIA UNIX … <arch>  <version>' line";
        return false;
    }

    [GeneratedRegex(@"^NVRM version:\s+NVIDIA UNIX\s+(?<open>Open Kernel Module for\s+)?(?:Kernel Module for\s+)?(?<arch>[A-Za-z0-9_]+)\s+(?:Kernel Module\s+)?(?<version>\d+(?:\.\d+)+)\b", RegexOptions.CultureInvariant)]
    private static partial Regex NvrmLine();
}
