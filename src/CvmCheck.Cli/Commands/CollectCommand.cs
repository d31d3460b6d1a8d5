using System.CommandLine;

namespace CvmCheck.Cli.Commands;

/// <summary><c>collect</c>: not built yet (placeholder so the verb tree is final).</summary>
internal static class CollectCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("collect", "Record everything cvmcheck reads into a snapshot directory or a signed evidence bundle");
        command.SetAction(_ =>
        {
            context.Error.WriteLine("cvmcheck: 'collect' is not available yet");
            return ExitCodes.BadInput;
        });
        return command;
    }
}
