namespace CvmCheck.Formats.Nvidia;

/// <summary>
/// Reads the one-line outputs of <c>nvidia-smi conf-compute</c>: <c>-f</c> ("CC status: ON"),
/// <c>-e</c> ("CC Environment: PRODUCTION"), <c>-grs</c> ("Confidential Compute GPUs Ready state: ready"),
/// and the same keys inside the <c>-q</c> block ("CC State : ON", "CC GPUs Ready State : Ready",
/// "DevTools Mode : OFF"). Values are normalised to DESIGN.md §1b spellings.
/// </summary>
public static class ConfComputeText
{
    /// <summary>CC mode: <c>on</c>, <c>off</c> or <c>devtools</c>; null when no such line.</summary>
    public static Located<string>? ReadMode(string text)
    {
        var status = FindValue(text, k => k is "cc status" or "cc state" or "cc mode");
        if (status is null)
        {
            return null;
        }

        var v = status.Value.ToLowerInvariant();
        var devtools = FindValue(text, k => k == "devtools mode");
        if (v.Contains("devtools", StringComparison.Ordinal) || devtools?.Value.Equals("ON", StringComparison.OrdinalIgnoreCase) == true)
        {
            return status with { Value = "devtools" };
        }

        return v switch
        {
            "on" => status with { Value = "on" },
            "off" => status with { Value = "off" },
            _ => null,
        };
    }

    /// <summary>Environment: <c>production</c>, <c>simulation</c> or <c>unavailable</c>.</summary>
    public static Located<string>? ReadEnvironment(string text)
    {
        var env = FindValue(text, k => k is "cc environment" or "environment" or "cc system environment");
        if (env is null)
        {
            return null;
        }

        var v = env.Value.ToLowerInvariant();
        string? normalized = v.StartsWith("prod", StringComparison.Ordinal) ? "production"
            : v.StartsWith("sim", StringComparison.Ordinal) || v == "internal" ? "simulation"
            : v.StartsWith("unavail", StringComparison.Ordinal) || v == "n/a" ? "unavailable"
            : null;
        return normalized is null ? null : env with { Value = normalized };
    }

    /// <summary>GPUs ready state (NVML "accepting client requests"): true when ready.</summary>
    public static Located<bool>? ReadReady(string text)
    {
        var state = FindValue(text, k => k.Contains("ready state", StringComparison.Ordinal));
        if (state is null)
        {
            return null;
        }

        var v = state.Value.ToLowerInvariant().Replace(' ', '-');
        return v switch
        {
            "ready" or "true" or "1" => new Located<bool>(true, state.Line),
            "not-ready" or "false" or "0" => new Located<bool>(false, state.Line),
            _ => null,
        };
    }

    private static Located<string>? FindValue(string text, Func<string, bool> keyMatches)
    {
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            var key = line[..colon].Trim().ToLowerInvariant();
            var value = line[(colon + 1)..].Trim();
            if (keyMatches(key) && value.Length > 0)
            {
                return new Located<string>(value, i + 1);
            }
        }

        return null;
    }
}
