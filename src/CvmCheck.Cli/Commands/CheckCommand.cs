using System.CommandLine;

namespace CvmCheck.Cli.Commands;

/// <summary><c>check</c>: placeholder.</summary>
internal static class CheckCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("check", "Judge this host's facts against policies");
        command.SetAction(_ =>
        {
            context.Error.WriteLine("cvmcheck: 'check' is not available yet");
            return ExitCodes.BadInput;
        });
        return command;
    }
}
