using System.ComponentModel;
using System.Diagnostics;
using CvmCheck.Core.Sources.Live;
using Microsoft.Extensions.Logging;

namespace CvmCheck.Core.Sources;

/// <summary>
/// Runs one command and never hangs: the binary is looked up on the search path at call time, stdin
/// is closed, stdout and stderr are read concurrently and bounded, and after the timeout the whole
/// process tree is killed (a shell script's <c>sleep</c> child would otherwise keep the pipes open).
/// Every outcome is a <see cref="CommandOutput"/>: not-found, timeout, any exit code, or failed to start.
/// </summary>
public sealed partial class ProcessRunner(LiveSourceOptions options)
{
    /// <summary>How long to wait for the pipes to close after the process exited or was killed
    /// (a daemonised grandchild may hold them).</summary>
    private static readonly TimeSpan DrainGrace = TimeSpan.FromMilliseconds(500);

    public CommandOutput Run(IReadOnlyList<string> argv)
    {
        var logger = options.Logger;
        var executable = Resolve(argv[0], options.SearchPath ?? Environment.GetEnvironmentVariable("PATH") ?? string.Empty);
        if (executable is null)
        {
            LogNotFound(logger, argv[0]);
            return new CommandOutput(argv, CommandStatus.NotFound, null, [], []);
        }

        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in argv.Skip(1))
        {
            start.ArgumentList.Add(arg);
        }

        // Parsers expect the C locale's messages and number formats.
        start.Environment["LC_ALL"] = "C";

        var stopwatch = Stopwatch.StartNew();
        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Exception e) when (e is Win32Exception or InvalidOperationException)
        {
            LogStartFailed(logger, string.Join(' ', argv), e.Message);
            return new CommandOutput(argv, CommandStatus.Failed, null, [], [], "could not start: " + e.Message);
        }

        process.StandardInput.Close();
        var stdout = BoundedRead(process.StandardOutput.BaseStream, options.MaxCommandOutputBytes);
        var stderr = BoundedRead(process.StandardError.BaseStream, options.MaxCommandOutputBytes);

        var timeout = options.CommandTimeout;
        var exited = process.WaitForExit(timeout);
        if (!exited)
        {
            Kill(process);
        }

        var remaining = exited ? Max(timeout - stopwatch.Elapsed, DrainGrace) : DrainGrace;
        if (!Task.WaitAll([stdout, stderr], remaining))
        {
            // The pipes are held open by something that outlived the process: stop waiting for it.
            Kill(process);
            Task.WaitAll([stdout, stderr], DrainGrace);
        }

        var outBytes = Completed(stdout);
        var errBytes = Completed(stderr);
        var elapsed = stopwatch.Elapsed;
        if (!exited)
        {
            LogTimeout(logger, string.Join(' ', argv), timeout.TotalSeconds);
            return new CommandOutput(argv, CommandStatus.Timeout, null, outBytes.Bytes, errBytes.Bytes, $"killed after {timeout.TotalSeconds:0.###} s");
        }

        var code = process.ExitCode;
        LogFinished(logger, string.Join(' ', argv), code, outBytes.Bytes.Length, elapsed.TotalMilliseconds);
        var detail = outBytes.Truncated ? $"stdout cut at {options.MaxCommandOutputBytes} bytes" : null;
        return new CommandOutput(argv, CommandStatus.Ran, code, outBytes.Bytes, errBytes.Bytes, detail);
    }

    /// <summary>The first executable regular file named <paramref name="name"/> in the search path
    /// (a name with a slash is taken as given).</summary>
    public static string? Resolve(string name, string searchPath)
    {
        if (name.Contains('/', StringComparison.Ordinal))
        {
            return IsExecutable(name) ? name : null;
        }

        foreach (var dir in searchPath.Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (IsExecutable(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static bool IsExecutable(string path)
    {
        try
        {
            return File.Exists(path)
                && (OperatingSystem.IsWindows() || (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception or NotSupportedException)
        {
            // Already gone.
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static (byte[] Bytes, bool Truncated) Completed(Task<(byte[] Bytes, bool Truncated)> read) =>
        read.IsCompletedSuccessfully ? read.Result : ([], false);

    /// <summary>Reads a pipe to its end on a thread of its own (never the thread pool, which several
    /// blocked runs could starve), keeping at most <paramref name="max"/> bytes and dropping the rest
    /// (so a chatty child never blocks on a full pipe and memory stays bounded).</summary>
    private static Task<(byte[] Bytes, bool Truncated)> BoundedRead(Stream stream, int max) => Task.Factory.StartNew(
        () =>
        {
            using var kept = new MemoryStream();
            var buffer = new byte[64 * 1024];
            var truncated = false;
            try
            {
                int n;
                while ((n = stream.Read(buffer, 0, buffer.Length)) > 0)
                {
                    var room = (int)Math.Min(n, max - kept.Length);
                    if (room > 0)
                    {
                        kept.Write(buffer, 0, room);
                    }

                    truncated |= room < n;
                }
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                // The pipe was torn down under us after a kill: keep what arrived.
            }

            return (kept.ToArray(), truncated);
        },
        CancellationToken.None,
        TaskCreationOptions.LongRunning,
        TaskScheduler.Default);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Command}: not found on the search path")]
    private static partial void LogNotFound(ILogger logger, string command);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Command}: could not start: {Error}")]
    private static partial void LogStartFailed(ILogger logger, string command, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Command}: killed after the {Seconds} s command timeout")]
    private static partial void LogTimeout(ILogger logger, string command, double seconds);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Command}: exit {ExitCode}, {Bytes} bytes of stdout in {Milliseconds:0} ms")]
    private static partial void LogFinished(ILogger logger, string command, int exitCode, int bytes, double milliseconds);
}
