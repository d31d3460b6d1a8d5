using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CvmCheck.Core.Sources.Live;

/// <summary>How a <see cref="LiveSource"/> reads the machine. The defaults are the real host; tests
/// point <see cref="Root"/> at a fake tree and <see cref="SearchPath"/> at fake executables.</summary>
public sealed record LiveSourceOptions
{
    /// <summary>DESIGN.md §3: <c>--command-timeout</c> defaults to 15 s.</summary>
    public static readonly TimeSpan DefaultCommandTimeout = TimeSpan.FromSeconds(15);

    /// <summary>The directory that stands for <c>/</c> (a fake tree in tests).</summary>
    public string Root { get; init; } = "/";

    /// <summary>Directories searched for commands, colon-separated like <c>PATH</c>; null reads the
    /// process's <c>PATH</c> at each call.</summary>
    public string? SearchPath { get; init; }

    public TimeSpan CommandTimeout { get; init; } = DefaultCommandTimeout;

    /// <summary>Bytes kept of one command's stdout (and of its stderr); the rest is drained and dropped.</summary>
    public int MaxCommandOutputBytes { get; init; } = 32 * 1024 * 1024;

    /// <summary>Returns the 12-character vendor string of CPUID leaf 0x21, or null where there is none.
    /// Null here means the real CPU (<see cref="CpuidReader.Leaf21Vendor"/>); tests inject a fake.</summary>
    public Func<string?>? CpuidLeaf21 { get; init; }

    public ILogger Logger { get; init; } = NullLogger.Instance;

    /// <summary>Told when a command starts and ends (for a progress line); called from any thread.</summary>
    public ICommandObserver? Observer { get; init; }
}

/// <summary>Watches commands run by a live source (progress display).</summary>
public interface ICommandObserver
{
    void Started(IReadOnlyList<string> argv);

    void Finished(IReadOnlyList<string> argv, CommandOutput output, TimeSpan elapsed);
}
