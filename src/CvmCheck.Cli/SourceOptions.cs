using System.CommandLine;
using CvmCheck.Core.Sources;

namespace CvmCheck.Cli;

/// <summary>Where facts come from: <c>--root DIR</c> (a snapshot) or, by default, the live host.</summary>
public sealed class SourceOptions
{
    public Option<string?> Root { get; } = new("--root") { Description = "Read a snapshot directory (DESIGN.md §1a layout) instead of this host", HelpName = "DIR" };

    public void AddTo(Command command) => command.Add(Root);

    public ISystemSource Open(ParseResult parse, CliContext context)
    {
        var root = parse.GetValue(Root);
        if (root is null)
        {
            return LiveHost.Open(parse, context);
        }

        if (!Directory.Exists(root))
        {
            throw new UserInputException(File.Exists(root)
                ? $"--root {root}: is a file; expected a snapshot directory (for a bundle use --from)"
                : $"--root {root}: no such snapshot directory");
        }

        return new SnapshotSource(root);
    }
}
