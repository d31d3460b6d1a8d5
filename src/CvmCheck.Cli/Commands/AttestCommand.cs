using System.CommandLine;

namespace CvmCheck.Cli.Commands;

/// <summary><c>cvmcheck attest tdx|gpu</c>: offline verification of hardware attestation evidence.</summary>
internal static class AttestCommand
{
    public static Command Create(CliContext context)
    {
        var attest = new Command("attest", "Verify hardware attestation evidence (TDX quotes, NVIDIA GPU SPDM reports) offline");
        attest.Add(AttestTdxCommand.Create(context));
        attest.Add(AttestGpuCommand.Create(context));
        return attest;
    }
}
