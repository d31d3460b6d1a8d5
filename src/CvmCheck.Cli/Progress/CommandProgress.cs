using System.Diagnostics;
using CvmCheck.Core.Sources;
using CvmCheck.Core.Sources.Live;

namespace CvmCheck.Cli.Progress;

/// <summary>
/// A one-line spinner on stderr naming the commands still running ("⠹ nvidia-smi -q -x (3.1 s)"),
/// shown only when stderr is a terminal and only once a command has run for a moment, and erased when
/// the last one ends. Never writes to stdout.
/// </summary>
public sealed class CommandProgress : ICommandObserver, IDisposable
{
    private static readonly TimeSpan ShowAfter = TimeSpan.FromMilliseconds(250);
    private static readonly string[] Frames = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

    private readonly TextWriter stderr;
    private readonly Dictionary<string, Stopwatch> running = new(StringComparer.Ordinal);
    private readonly Timer timer;
    private int frame;
    private bool drawn;

    public CommandProgress(TextWriter stderr)
    {
        this.stderr = stderr;
        timer = new Timer(_ => Draw(), null, Timeout.Infinite, Timeout.Infinite);
    }

    /// <summary>True when stderr is an interactive terminal of this process.</summary>
    public static bool StderrIsTerminal(TextWriter stderr) => ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected;

    public void Started(IReadOnlyList<string> argv)
    {
        lock (running)
        {
            running[string.Join(' ', argv)] = Stopwatch.StartNew();
            if (running.Count == 1)
            {
                timer.Change(ShowAfter, TimeSpan.FromMilliseconds(100));
            }
        }
    }

    public void Finished(IReadOnlyList<string> argv, CommandOutput output, TimeSpan elapsed)
    {
        lock (running)
        {
            running.Remove(string.Join(' ', argv));
            if (running.Count == 0)
            {
                timer.Change(Timeout.Infinite, Timeout.Infinite);
                Erase();
            }
        }
    }

    public void Dispose()
    {
        lock (running)
        {
            timer.Dispose();
            Erase();
        }
    }

    private void Draw()
    {
        lock (running)
        {
            if (running.Count == 0)
            {
                return;
            }

            var (name, clock) = running.MaxBy(r => r.Value.Elapsed);
            var more = running.Count > 1 ? $" and {running.Count - 1} more" : string.Empty;
            frame = (frame + 1) % Frames.Length;
            stderr.Write($"\r{Frames[frame]} {name} ({clock.Elapsed.TotalSeconds:0.0} s){more}\u001b[K");
            stderr.Flush();
            drawn = true;
        }
    }

    private void Erase()
    {
        if (drawn)
        {
            stderr.Write("\r\u001b[K");
            stderr.Flush();
            drawn = false;
        }
    }
}
