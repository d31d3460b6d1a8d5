using System.CommandLine;

namespace CvmCheck.Cli.Commands;

/// <summary><c>bundle</c>: not built yet (placeholder so the verb tree is final).</summary>
internal static class BundleCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("bundle", "Inspect evidence bundles");
        command.SetAction(_ =>
        {
            context.Error.WriteLine("cvmcheck: 'bundle' is not available yet");
            return ExitCodes.BadInput;
        });
        return command;
    }
}
