using System.CommandLine;

namespace CvmCheck.Cli.Commands;

/// <summary><c>tdx</c>: not built yet (placeholder so the verb tree is final).</summary>
internal static class AttestTdxCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("tdx", "Verify an Intel TDX quote against collateral");
        command.SetAction(_ =>
        {
            context.Error.WriteLine("cvmcheck: 'tdx' is not available yet");
            return ExitCodes.BadInput;
        });
        return command;
    }
}
