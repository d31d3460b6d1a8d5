namespace CvmCheck.Formats.Linux;

/// <summary><c>/etc/modprobe.d/*.conf</c>: <c>options &lt;module&gt; name=value …</c> lines (comments and
/// blank lines ignored; a trailing backslash continues the line).</summary>
public static class ModprobeConf
{
    public sealed record Option(string Module, string Name, string Value, int Line);

    public static IReadOnlyList<Option> Parse(string text)
    {
        var options = new List<Option>();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var start = i + 1;
            var line = lines[i].TrimEnd('\r');
            while (line.EndsWith('\\') && i + 1 < lines.Length)
            {
                line = line[..^1] + " " + lines[++i].TrimEnd('\r');
            }

            var hash = line.IndexOf('#');
            if (hash >= 0)
            {
                line = line[..hash];
            }

            var words = line.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (words.Length < 3 || words[0] != "options")
            {
                continue;
            }

            foreach (var word in words.Skip(2))
            {
                var eq = word.IndexOf('=');
                if (eq > 0)
                {
                    options.Add(new Option(words[1], word[..eq], word[(eq + 1)..].Trim('"'), start));
                }
            }
        }

        return options;
    }
}
