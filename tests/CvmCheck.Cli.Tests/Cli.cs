using System.Text.Json;

namespace CvmCheck.Cli.Tests;

/// <summary>Runs the CLI in-process, as a user's script would see it: exit code, stdout, stderr.</summary>
internal static class Cli
{
    public sealed record Result(int ExitCode, string Out, string Error)
    {
        public JsonElement Json => JsonDocument.Parse(Out).RootElement;
    }

    public static Result Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = CliApp.Run(args, stdout, stderr, isTerminal: false);
        return new Result(code, stdout.ToString(), stderr.ToString());
    }
}
