using System.CommandLine;
using CvmCheck.Cli.Commands;

namespace CvmCheck.Cli;

/// <summary>Builds the verb tree and maps outcomes to exit codes (DESIGN.md §3). Verbs are thin: each
/// parses its options and calls plain methods that take writers and return an exit code.</summary>
public static class CliApp
{
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, bool? isTerminal = null)
    {
        var globals = new GlobalOptions();
        using var context = new CliContext(stdout, stderr, globals)
        {
            IsTerminal = isTerminal ?? (!Console.IsOutputRedirected && ReferenceEquals(stdout, Console.Out)),
        };
        var root = BuildRoot(context);
        var parse = root.Parse(args);
        var verbose = args.Contains("--verbose");
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                stderr.WriteLine($"cvmcheck: {error.Message}");
            }

            stderr.WriteLine("Run 'cvmcheck --help' for usage.");
            return ExitCodes.BadInput;
        }

        try
        {
            return parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (UserInputException e)
        {
            stderr.WriteLine($"cvmcheck: {e.Message}");
            return ExitCodes.BadInput;
        }
#pragma warning disable CA1031 // the last line of defence: any other exception is a bug, reported as exit 3
        catch (Exception e)
#pragma warning restore CA1031
        {
            stderr.WriteLine($"cvmcheck: internal error: {e.Message}");
            stderr.WriteLine(verbose ? e.ToString() : "Run again with --verbose for the stack trace, and please report it.");
            return ExitCodes.InternalError;
        }
    }

    internal static RootCommand BuildRoot(CliContext context)
    {
        var root = new RootCommand("cvmcheck: is this confidential VM genuine, and will its GPUs initialise and stay up?");
        context.Globals.AddTo(root);
        root.Add(FactsCommand.Create(context));
        root.Add(CheckCommand.Create(context));
        root.Add(DiagnoseCommand.Create(context));
        root.Add(AttestCommand.Create(context));
        root.Add(CollectCommand.Create(context));
        root.Add(VerifyCommand.Create(context));
        root.Add(BundleCommand.Create(context));
        root.Add(PolicyCommand.Create(context));
        return root;
    }
}
