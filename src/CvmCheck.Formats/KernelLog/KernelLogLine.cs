namespace CvmCheck.Formats.KernelLog;

/// <summary>The shape a kernel-log line was written in, as recognised from its prefix.</summary>
public enum KernelLogFormat
{
    /// <summary>No known prefix: the whole line is the message (e.g. <c>nvidia-smi</c> output pasted into a log).</summary>
    Plain,

    /// <summary><c>dmesg</c>: <c>[   12.014918] msg</c> (seconds since boot).</summary>
    Dmesg,

    /// <summary><c>dmesg -T</c>: <c>[Fri Mar  3 04:44:24 2023] msg</c>.</summary>
    DmesgCtime,

    /// <summary><c>dmesg -H</c>: <c>[Feb22 04:01] msg</c> or <c>[  +0.000001] msg</c> (no absolute time).</summary>
    DmesgHuman,

    /// <summary><c>journalctl</c> short / syslog: <c>Aug 26 14:08:07 host kernel: msg</c> (month in any language).</summary>
    Syslog,

    /// <summary><c>journalctl -o short-iso</c> / RFC 3339 syslog: <c>2025-08-16T00:03:03.937586-04:00 host kernel: msg</c>.</summary>
    SyslogIso,

    /// <summary><c>journalctl -o json</c>: one JSON object per line with <c>MESSAGE</c>.</summary>
    JournalJson,

    /// <summary><c>/dev/kmsg</c> record: <c>6,123,456789,-;msg</c> (timestamp in microseconds).</summary>
    Kmsg,
}

/// <summary>
/// One physical log line taken apart: the message text (prefixes removed, <c>#012</c> line joins undone),
/// a timestamp in seconds when the prefix carried one (boot-relative or Unix time; only differences are used),
/// and the format it was recognised as.
/// </summary>
public readonly record struct ParsedLogLine(string Message, double? Seconds, KernelLogFormat Format);
