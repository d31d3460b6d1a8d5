using System.CommandLine;

namespace CvmCheck.Cli.Commands;

/// <summary><c>policy</c>: not built yet (placeholder so the verb tree is final).</summary>
internal static class PolicyCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("policy", "Lint, list, show and initialise policies");
        command.SetAction(_ =>
        {
            context.Error.WriteLine("cvmcheck: 'policy' is not available yet");
            return ExitCodes.BadInput;
        });
        return command;
    }
}
