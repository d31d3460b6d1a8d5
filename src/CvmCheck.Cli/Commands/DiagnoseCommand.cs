using System.CommandLine;

namespace CvmCheck.Cli.Commands;

/// <summary><c>diagnose</c>: not built yet (placeholder so the verb tree is final).</summary>
internal static class DiagnoseCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("diagnose", "Explain GPU/TDX failures from a kernel log or snapshot");
        command.SetAction(_ =>
        {
            context.Error.WriteLine("cvmcheck: 'diagnose' is not available yet");
            return ExitCodes.BadInput;
        });
        return command;
    }
}
