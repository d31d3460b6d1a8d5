namespace CvmCheck.Formats.Nvidia;

/// <summary>
/// Parses the human-readable <c>nvidia-smi -q</c> report ("==============NVSMI LOG=============="):
/// indentation gives the section, <c>Key : Value</c> the values, <c>GPU &lt;bus id&gt;</c> starts a GPU.
/// Used when no XML report exists (older captures, <c>nvidia-smi -a</c> pastes).
/// </summary>
public static class NvidiaSmiTextParser
{
    private const string Header = "NVSMI LOG";

    public static bool TryParse(string text, out NvidiaSmiLog log, out string error)
    {
        log = null!;
        error = string.Empty;
        var lines = text.Split('\n');
        if (!lines.Any(l => l.Contains(Header, StringComparison.Ordinal)))
        {
            error = "no '==============NVSMI LOG==============' header: not an nvidia-smi -q report";
            return false;
        }

        Located<string>? driver = null;
        Located<string>? cuda = null;
        int? attached = null;
        var gpus = new List<Dictionary<string, Located<string>>>();
        var busIds = new List<Located<string>>();
        var sections = new List<(int Indent, string Name)>();
        for (var i = 0; i < lines.Length; i++)
        {
            var raw = lines[i].TrimEnd('\r');
            if (raw.Trim().Length == 0)
            {
                continue;
            }

            var indent = raw.Length - raw.TrimStart(' ').Length;
            var line = raw.Trim();
            var number = i + 1;
            if (indent == 0 && line.StartsWith("GPU ", StringComparison.Ordinal) && !line.Contains(':', StringComparison.Ordinal) is var noColon
                && (noColon || IsBusId(line[4..])))
            {
                busIds.Add(new Located<string>(line[4..].Trim(), number));
                gpus.Add(new Dictionary<string, Located<string>>(StringComparer.Ordinal));
                sections.Clear();
                continue;
            }

            while (sections.Count > 0 && sections[^1].Indent >= indent)
            {
                sections.RemoveAt(sections.Count - 1);
            }

            var colon = line.IndexOf(" : ", StringComparison.Ordinal);
            if (colon < 0 && line.EndsWith(':'))
            {
                colon = line.Length - 1;
            }

            if (colon < 0)
            {
                sections.Add((indent, line));
                continue;
            }

            var key = line[..colon].Trim();
            var value = colon + 3 <= line.Length ? line[(colon + 3)..].Trim() : string.Empty;
            var path = string.Join('/', sections.Select(s => s.Name).Append(key));
            if (gpus.Count == 0)
            {
                switch (key)
                {
                    case "Driver Version":
                        driver = new Located<string>(value, number);
                        break;
                    case "CUDA Version":
                        cuda = new Located<string>(value, number);
                        break;
                    case "Attached GPUs" when int.TryParse(value, out var n):
                        attached = n;
                        break;
                }
            }
            else if (value.Length > 0 && value != "N/A")
            {
                gpus[^1].TryAdd(path, new Located<string>(value, number));
            }
        }

        log = new NvidiaSmiLog(driver, cuda, attached, gpus.Select((g, i) => ToGpu(busIds[i], g)).ToArray());
        return true;
    }

    private static bool IsBusId(string s) => s.Trim().Count(c => c == ':') == 2;

    private static NvidiaSmiGpu ToGpu(Located<string> busId, Dictionary<string, Located<string>> v)
    {
        var reasons = v.Where(kv => (kv.Key.StartsWith("Clocks Event Reasons/", StringComparison.Ordinal) || kv.Key.StartsWith("Clocks Throttle Reasons/", StringComparison.Ordinal))
                                    && kv.Value.Value == "Active" && !kv.Key.EndsWith("/Idle", StringComparison.Ordinal))
            .OrderBy(kv => kv.Value.Line)
            .ToArray();
        return new NvidiaSmiGpu
        {
            BusId = busId,
            Name = v.GetValueOrDefault("Product Name"),
            Uuid = v.GetValueOrDefault("GPU UUID"),
            Architecture = v.GetValueOrDefault("Product Architecture"),
            VbiosVersion = v.GetValueOrDefault("VBIOS Version") is { } vb ? vb with { Value = vb.Value.ToUpperInvariant() } : null,
            PersistenceMode = v.GetValueOrDefault("Persistence Mode") is { } p ? p with { Value = p.Value.ToLowerInvariant() } : null,
            VirtualizationMode = v.GetValueOrDefault("GPU Virtualization Mode/Virtualization Mode"),
            GspFirmwareVersion = v.GetValueOrDefault("GSP Firmware Version"),
            PciDeviceId = v.GetValueOrDefault("PCI/Device Id"),
            ActiveThrottleReasons = reasons.Select(kv => kv.Key[(kv.Key.IndexOf('/') + 1)..]).ToArray(),
            ThrottleReasonsLine = reasons.FirstOrDefault().Value?.Line,
        };
    }
}
