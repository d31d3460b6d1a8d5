using System.CommandLine;

namespace CvmCheck.Cli.Commands;

/// <summary><c>facts</c>: placeholder.</summary>
internal static class FactsCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("facts", "Print the facts read from this host, a snapshot or a bundle");
        command.SetAction(_ =>
        {
            context.Error.WriteLine("cvmcheck: 'facts' is not available yet");
            return ExitCodes.BadInput;
        });
        return command;
    }
}
