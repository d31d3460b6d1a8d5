using System.Globalization;
using System.Text;
using CvmCheck.Core.Facts;
using CvmCheck.Formats.Versions;

namespace CvmCheck.Policy.Init;

/// <summary>
/// <c>cvmcheck policy init</c>: writes a policy that pins what this host is now — like
/// <c>goss autoadd</c>, but only for the facts that predict whether GPUs come up in CC mode, and
/// with ranges where an exact pin would break on a routine update: the NVIDIA driver may move within
/// its branch (<c>&gt;=current &lt;next-major</c>), the kernel within its minor series. VBIOS is pinned per
/// GPU, because a VBIOS change is a firmware change someone should look at. A fact this host does not
/// have is left out with a comment saying so, never pinned as absent. The output always lints clean.
/// </summary>
public static class PolicyInitGenerator
{
    public sealed record Options
    {
        public string Name { get; init; } = "host-pinned";

        /// <summary>Where the facts came from, for the header comment.</summary>
        public string Source { get; init; } = "this host";

        public DateTimeOffset GeneratedAt { get; init; } = DateTimeOffset.UtcNow;
    }

    private sealed record Pin(string Id, string Title, string Severity, string Fact, string Operator, string Value, string Remediation);

    public static string Generate(FactSet facts, Options options)
    {
        var pins = new List<Pin>();
        var skipped = new List<string>();

        void System(string id, string title, string severity, string fact, string remediation)
        {
            if (facts.Get(fact).Value is { } value)
            {
                pins.Add(new Pin(id, title, severity, fact, "equals", Literal(value), remediation));
            }
            else
            {
                skipped.Add(fact);
            }
        }

        // Driver: any later release of the same branch is accepted.
        var driver = facts.Get(FactNames.NvidiaDriverVersion).Value as string;
        if (driver is not null && BranchRange(driver) is { } driverRange)
        {
            pins.Add(new Pin("host.nvidia.driver", $"The NVIDIA driver stays on the {driver} branch", "high", FactNames.NvidiaDriverVersion, "version",
                Quote(driverRange), $"This host was pinned with driver {driver}; install a release of the same branch or re-run 'cvmcheck policy init'."));
        }
        else if (driver is not null)
        {
            pins.Add(new Pin("host.nvidia.driver", "The NVIDIA driver is the pinned release", "high", FactNames.NvidiaDriverVersion, "equals", Quote(driver), "Install the pinned driver release."));
        }
        else
        {
            skipped.Add(FactNames.NvidiaDriverVersion);
        }

        System("host.nvidia.module-flavor", "The NVIDIA kernel module flavour is unchanged", "high", FactNames.NvidiaModuleFlavor,
            "Install the same kernel module flavour (open or proprietary) as when the policy was written.");
        System("host.nvidia.persistenced", "nvidia-persistenced is in the pinned state", "medium", FactNames.NvidiaPersistencedActive,
            "Start (or stop) nvidia-persistenced as when the policy was written.");

        // Kernel: same major.minor series.
        var kernel = facts.Get(FactNames.KernelVersion).Value as string;
        if (kernel is not null && MinorSeriesRange(kernel) is { } kernelRange)
        {
            pins.Add(new Pin("host.kernel.series", $"The guest kernel stays in the {kernelRange.Series} series", "medium", FactNames.KernelVersion, "version",
                Quote(kernelRange.Range), $"This host was pinned with kernel {kernel}; a new kernel series changes TDX and GPU driver behaviour — re-check and re-run 'cvmcheck policy init'."));
        }
        else
        {
            skipped.Add(FactNames.KernelVersion);
        }

        System("host.platform.firmware", "The guest firmware type is unchanged", "high", FactNames.PlatformFirmware,
            "Boot the CVM with the same firmware (UEFI/OVMF or BIOS) as when the policy was written.");
        System("host.tdx.guest", "TDX guest detection is unchanged", "critical", FactNames.TdxGuestDetected,
            "This host was pinned as (not) being a TDX guest; launch it the same way.");
        System("host.gpu.count", "The number of GPUs is unchanged", "high", FactNames.GpuCount,
            "A GPU is missing (fallen off the bus, not passed through, failed to initialise): check the kernel log with 'cvmcheck diagnose'.");

        var gpuCount = facts.Get(FactNames.GpuCount).Value is long n ? (int)Math.Min(n, 1024) : 0;
        Fleet(facts, gpuCount, FactNames.Gpu.CcMode, "host.gpu.cc-mode", "GPU confidential computing mode is as pinned", "critical",
            "Set the GPU's CC mode on the host (nvidia_gpu_tools.py --set-cc-mode) and restart the CVM.", pins, skipped);
        Fleet(facts, gpuCount, FactNames.Gpu.CcEnvironment, "host.gpu.cc-environment", "GPU CC environment is as pinned", "high",
            "Use VBIOS and driver builds of the pinned CC environment.", pins, skipped);
        Fleet(facts, gpuCount, FactNames.Gpu.PersistenceMode, "host.gpu.persistence", "GPU persistence mode is as pinned", "medium",
            "Set persistence mode as pinned (nvidia-persistenced, or nvidia-smi -pm).", pins, skipped);
        for (var i = 0; i < gpuCount; i++)
        {
            var fact = FactNames.ForGpu(i, FactNames.Gpu.VbiosVersion);
            if (facts.Get(fact).Value is string vbios)
            {
                pins.Add(new Pin($"host.gpu{i}.vbios", $"GPU {i} runs the pinned VBIOS", "medium", fact, "equals", Quote(vbios),
                    "The GPU's VBIOS changed (or the GPUs were re-ordered): confirm the firmware update was intended, then re-run 'cvmcheck policy init'."));
            }
            else
            {
                skipped.Add(fact);
            }
        }

        return Render(pins, skipped, options);
    }

    /// <summary><c>580.65.06</c> → <c>&gt;=580.65.06 &lt;581</c>; null when the first field is not a number.</summary>
    public static string? BranchRange(string version)
    {
        if (!VersionNumber.TryParse(version, out var v) || !long.TryParse(v.Fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var major))
        {
            return null;
        }

        return $">={MainPart(version)} <{major + 1}";
    }

    /// <summary><c>6.8.0-1014-intel</c> → <c>&gt;=6.8.0 &lt;6.9</c> (series <c>6.8</c>).</summary>
    public static (string Range, string Series)? MinorSeriesRange(string version)
    {
        if (!VersionNumber.TryParse(version, out var v) || v.Fields.Count < 2
            || !long.TryParse(v.Fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var major)
            || !long.TryParse(v.Fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var minor))
        {
            return null;
        }

        return ($">={MainPart(version)} <{major}.{minor + 1}", $"{major}.{minor}");
    }

    private static string MainPart(string version)
    {
        var t = version.Trim();
        var cut = t.IndexOfAny(['-', '+']);
        return cut < 0 ? t : t[..cut];
    }

    /// <summary>One <c>gpu[*]</c> rule when every GPU agrees, else one rule per GPU.</summary>
    private static void Fleet(FactSet facts, int gpuCount, string suffix, string id, string title, string severity, string remediation, List<Pin> pins, List<string> skipped)
    {
        if (gpuCount == 0)
        {
            skipped.Add("gpu[*]." + suffix);
            return;
        }

        var values = Enumerable.Range(0, gpuCount).Select(i => facts.Get(FactNames.ForGpu(i, suffix)).Value).ToList();
        if (values.All(v => v is null))
        {
            skipped.Add("gpu[*]." + suffix);
            return;
        }

        var distinct = values.Select(Fact.FormatValue).Distinct(StringComparer.Ordinal).ToList();
        if (distinct.Count == 1 && values[0] is { } same)
        {
            pins.Add(new Pin(id, title, severity, "gpu[*]." + suffix, "equals", Literal(same), remediation));
            return;
        }

        for (var i = 0; i < gpuCount; i++)
        {
            var fact = FactNames.ForGpu(i, suffix);
            if (values[i] is { } value)
            {
                pins.Add(new Pin(id.Replace("host.gpu.", $"host.gpu{i}.", StringComparison.Ordinal), $"{title} (GPU {i})", severity, fact, "equals", Literal(value), remediation));
            }
            else
            {
                skipped.Add(fact);
            }
        }
    }

    private static string Render(List<Pin> pins, List<string> skipped, Options options)
    {
        var sb = new StringBuilder();
        sb.Append("# Generated by 'cvmcheck policy init' from ").Append(OneLine(options.Source)).Append(" on ")
            .Append(options.GeneratedAt.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)).Append(".\n");
        sb.Append("# It pins this host's current state; review it, then use it with 'cvmcheck check --policy FILE'.\n");
        foreach (var s in skipped)
        {
            sb.Append("# not pinned: ").Append(s).Append(" (no value on this host)\n");
        }

        sb.Append("apiVersion: cvmcheck/v1\n");
        sb.Append("kind: Policy\n");
        sb.Append("metadata:\n");
        sb.Append("  name: ").Append(Quote(options.Name)).Append('\n');
        sb.Append("  description: ").Append(Quote($"State of {OneLine(options.Source)} pinned by cvmcheck policy init")).Append('\n');
        if (pins.Count == 0)
        {
            sb.Append("rules: []\n");
            return sb.ToString();
        }

        sb.Append("rules:\n");
        foreach (var p in pins)
        {
            sb.Append("  - id: ").Append(p.Id).Append('\n');
            sb.Append("    title: ").Append(Quote(p.Title)).Append('\n');
            sb.Append("    severity: ").Append(p.Severity).Append('\n');
            sb.Append("    fact: ").Append(Quote(p.Fact)).Append('\n');
            sb.Append("    ").Append(p.Operator).Append(": ").Append(p.Value).Append('\n');
            sb.Append("    remediation: ").Append(Quote(p.Remediation)).Append('\n');
        }

        return sb.ToString();
    }

    /// <summary>A fact value as a YAML scalar: booleans and integers plain, everything else quoted
    /// (so <c>on</c>, <c>off</c> and <c>096.00</c> stay strings).</summary>
    private static string Literal(object value) => value switch
    {
        bool b => b ? "true" : "false",
        long l => l.ToString(CultureInfo.InvariantCulture),
        _ => Quote(Fact.FormatValue(value) ?? string.Empty),
    };

    /// <summary>A YAML double-quoted scalar.</summary>
    internal static string Quote(string text)
    {
        var sb = new StringBuilder(text.Length + 2).Append('"');
        foreach (var c in text)
        {
            switch (c)
            {
                case '"':
                    sb.Append("\\\"");
                    break;
                case '\\':
                    sb.Append("\\\\");
                    break;
                case '\n':
                    sb.Append("\\n");
                    break;
                case '\t':
                    sb.Append("\\t");
                    break;
                default:
                    if (char.IsControl(c))
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        return sb.Append('"').ToString();
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}
