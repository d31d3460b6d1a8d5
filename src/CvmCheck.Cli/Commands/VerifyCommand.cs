using System.CommandLine;

namespace CvmCheck.Cli.Commands;

/// <summary><c>verify</c>: not built yet (placeholder so the verb tree is final).</summary>
internal static class VerifyCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("verify", "Verify an evidence bundle: hashes, signature, hardware binding");
        command.SetAction(_ =>
        {
            context.Error.WriteLine("cvmcheck: 'verify' is not available yet");
            return ExitCodes.BadInput;
        });
        return command;
    }
}
