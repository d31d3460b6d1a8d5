using System.CommandLine;
using CvmCheck.Core.Sources;

namespace CvmCheck.Cli;

/// <summary>The running machine as a source.</summary>
public static class LiveHost
{
    public static ISystemSource Open(ParseResult parse, CliContext context) =>
        throw new UserInputException("live mode not available yet: pass --root DIR with a snapshot");
}
