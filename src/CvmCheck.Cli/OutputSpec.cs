using CvmCheck.Reporting;

namespace CvmCheck.Cli;

/// <summary>One requested output: a format and, optionally, a file (<c>--format json:out/report.json</c>).
/// Without a file the report goes to stdout (at most one such).</summary>
public sealed record OutputSpec(string Format, string? File)
{
    public static IReadOnlyList<OutputSpec> Parse(IReadOnlyList<string>? formats, string? output, IReadOnlyCollection<string> known)
    {
        var specs = new List<OutputSpec>();
        foreach (var f in formats ?? [])
        {
            var colon = f.IndexOf(':');
            var spec = colon < 0 ? new OutputSpec(f, null) : new OutputSpec(f[..colon], f[(colon + 1)..]);
            if (!known.Contains(spec.Format))
            {
                throw new UserInputException($"--format {f}: unknown format '{spec.Format}'; expected one of: {string.Join(", ", known)} (optionally FMT:FILE)");
            }

            if (spec.File is { Length: 0 })
            {
                throw new UserInputException($"--format {f}: empty file name after ':'");
            }

            specs.Add(spec);
        }

        if (output is not null)
        {
            if (specs.Count > 1)
            {
                throw new UserInputException("--output FILE is short for a single --format; with several formats use --format FMT:FILE");
            }

            specs = [new OutputSpec(specs.Count == 1 ? specs[0].Format : "text", output)];
        }

        if (specs.Count == 0)
        {
            specs.Add(new OutputSpec("text", null));
        }

        if (specs.Count(s => s.File is null) > 1)
        {
            throw new UserInputException("only one --format may go to stdout; give the others a file (FMT:FILE)");
        }

        return specs;
    }
}
