using System.CommandLine;
using CvmCheck.Core.Sources;
using CvmCheck.Core.Sources.Live;

namespace CvmCheck.Cli;

/// <summary>The running machine as a source: <see cref="LiveSource"/> with the global
/// <c>--command-timeout</c>, logging and the progress line. The nvidia-smi family and systemctl are
/// started together up front, so a hung nvidia-smi costs one timeout, not one per query.</summary>
public static class LiveHost
{
    /// <summary>Lets a test point the live source at a fake root or fake executables, for the calls
    /// it makes on its own async flow (in-process runs of <see cref="CliApp.Run"/> stay isolated).</summary>
    internal static readonly AsyncLocal<Func<LiveSourceOptions, LiveSourceOptions>?> Configure = new();

    public static ISystemSource Open(ParseResult parse, CliContext context)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new UserInputException("live mode reads /proc and /sys and needs Linux; pass --root DIR with a snapshot");
        }

        var options = new LiveSourceOptions
        {
            CommandTimeout = context.CommandTimeout(parse),
            Logger = context.Logging(parse).CreateLogger("cvmcheck.live"),
            Observer = context.Progress,
        };
        options = Configure.Value?.Invoke(options) ?? options;
        var live = new LiveSource(options);
        live.Prefetch(LiveSource.DefaultPrefetch);
        return live;
    }
}
