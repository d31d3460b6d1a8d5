using System.CommandLine;
using CvmCheck.Cli.Bundles;
using CvmCheck.Core.Bundles;
using CvmCheck.Core.Sources;

namespace CvmCheck.Cli;

/// <summary>Where facts come from: <c>--root DIR</c> (a snapshot), <c>--from BUNDLE</c> (an evidence bundle,
/// verified first) or, by default, the live host.</summary>
public sealed class SourceOptions
{
    public Option<string?> Root { get; } = new("--root") { Description = "Read a snapshot directory (DESIGN.md §1a layout) instead of this host", HelpName = "DIR" };

    public Option<string?> From { get; } = new("--from") { Description = "Replay an evidence bundle (verified first: exit 1 if it does not verify)", HelpName = "BUNDLE" };

    public Option<string[]> Trust { get; } = new("--trust") { Description = "With --from: trust anchor(s) for the bundle's signer (repeatable)", HelpName = "PEM" };

    public Option<bool> AllowUnsigned { get; } = new("--allow-unsigned") { Description = "With --from: accept an unsigned or untrusted bundle" };

    public void AddTo(Command command)
    {
        command.Add(Root);
        command.Add(From);
        command.Add(Trust);
        command.Add(AllowUnsigned);
    }

    public ISystemSource Open(ParseResult parse, CliContext context)
    {
        var root = parse.GetValue(Root);
        var from = parse.GetValue(From);
        if (root is not null && from is not null)
        {
            throw new UserInputException("give --root DIR or --from BUNDLE, not both");
        }

        if (from is not null)
        {
            return BundleCli.OpenVerified(from, new BundleVerifyOptions
            {
                Trust = BundleCli.LoadTrust(parse.GetValue(Trust)),
                AllowUnsigned = parse.GetValue(AllowUnsigned),
            });
        }

        if (parse.GetValue(Trust) is { Length: > 0 } || parse.GetValue(AllowUnsigned))
        {
            throw new UserInputException("--trust and --allow-unsigned only apply with --from BUNDLE");
        }

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
