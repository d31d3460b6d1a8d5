using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace CvmCheck.Cli.Logging;

/// <summary>
/// Logs go to stderr only (stdout carries the report): warnings and errors by default, debug with
/// <c>--verbose</c>, one JSON object per line with <c>--log-format json</c>. The logger factory is
/// built on first use, so verbs that log nothing pay nothing at start-up.
/// </summary>
public sealed class CliLogging(bool verbose, bool json) : IDisposable
{
    private ILoggerFactory? factory;

    public ILogger CreateLogger(string category) => Factory.CreateLogger(category);

    private ILoggerFactory Factory => factory ??= LoggerFactory.Create(builder =>
    {
        builder.SetMinimumLevel(verbose ? LogLevel.Debug : LogLevel.Warning);
        builder.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        if (json)
        {
            builder.AddJsonConsole(o => o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ");
        }
        else
        {
            builder.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.ColorBehavior = LoggerColorBehavior.Disabled;
            });
        }
    });

    /// <summary>A logger that drops everything (for callers that have no CLI context).</summary>
    public static ILogger None => NullLogger.Instance;

    /// <summary>Flushes queued messages (returns as soon as the queue is empty).</summary>
    public void Dispose() => factory?.Dispose();
}
