using System.CommandLine;

namespace CvmCheck.Cli.Commands;

/// <summary><c>gpu</c>: not built yet (placeholder so the verb tree is final).</summary>
internal static class AttestGpuCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("gpu", "Verify an NVIDIA GPU SPDM attestation report");
        command.SetAction(_ =>
        {
            context.Error.WriteLine("cvmcheck: 'gpu' is not available yet");
            return ExitCodes.BadInput;
        });
        return command;
    }
}
