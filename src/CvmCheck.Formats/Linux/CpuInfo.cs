namespace CvmCheck.Formats.Linux;

/// <summary><c>/proc/cpuinfo</c>: processor count, model name and the flags of the first processor
/// (x86: <c>flags</c>; arm64: <c>Features</c>).</summary>
public static class CpuInfo
{
    public sealed record Info(int Processors, string? ModelName, int? ModelNameLine, IReadOnlyList<string> Flags, int? FlagsLine);

    public static Info Parse(string text)
    {
        var processors = 0;
        string? model = null;
        int? modelLine = null;
        string[] flags = [];
        int? flagsLine = null;
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var colon = lines[i].IndexOf(':');
            if (colon < 0)
            {
                continue;
            }

            var key = lines[i][..colon].Trim();
            var value = lines[i][(colon + 1)..].Trim();
            switch (key)
            {
                case "processor":
                    processors++;
                    break;
                case "model name" when model is null:
                    model = value;
                    modelLine = i + 1;
                    break;
                case "flags" or "Features" when flagsLine is null:
                    flags = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    flagsLine = i + 1;
                    break;
            }
        }

        return new Info(processors, model, modelLine, flags, flagsLine);
    }
}
