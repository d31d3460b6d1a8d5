using System.Runtime.CompilerServices;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace CvmCheck.Formats.KernelLog;

/// <summary>
/// Takes one kernel-log line apart into message text and timestamp, whatever tool wrote it: raw
/// <c>dmesg</c>, <c>dmesg -T</c>/<c>-H</c>, <c>journalctl</c> (short, short-iso, json), syslog
/// forwarders, <c>/dev/kmsg</c> records and nvidia-bug-report excerpts (which embed dmesg lines).
/// Never throws: anything it does not recognise is kept whole as a <see cref="KernelLogFormat.Plain"/> message.
/// Prefixes are peeled in a loop, so stacked ones (<c>Dec  2 11:38:27 host kernel: [  199.23] [    T0] msg</c>)
/// come off one after the other.
/// </summary>
public static class KernelLogLineParser
{
    /// <summary>journald and rsyslog write an embedded newline as <c>#012</c> (octal 012).</summary>
    public const string SyslogEscapedNewline = "#012";

    /// <summary>The NVIDIA driver repeats this facility prefix on every line of a multi-line message.</summary>
    public const string NvrmPrefix = "NVRM: ";

    private const int MaxPrefixPasses = 6;

    private static readonly string[] CtimeFormats = ["ddd MMM d HH:mm:ss yyyy", "ddd MMM dd HH:mm:ss yyyy"];

    /// <summary>Parses one physical line (without its line terminator).</summary>
    public static ParsedLogLine Parse(ReadOnlySpan<char> line) => Parse(line, allowJson: true);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static ParsedLogLine Parse(ReadOnlySpan<char> line, bool allowJson)
    {
        var trimmed = line.TrimEnd();
        if (allowJson && trimmed.Length > 0 && trimmed[0] == '{' && TryParseJournalJson(trimmed, out var json))
        {
            return json;
        }

        if (TryParseKmsg(trimmed, out var kmsg))
        {
            return kmsg;
        }

        var rest = trimmed.TrimStart();
        double? seconds = null;
        var format = KernelLogFormat.Plain;
        for (var pass = 0; pass < MaxPrefixPasses; pass++)
        {
            if (TryStripSyslogIso(ref rest, out var isoSeconds))
            {
                seconds ??= isoSeconds;
                format = format == KernelLogFormat.Plain ? KernelLogFormat.SyslogIso : format;
                continue;
            }

            if (TryStripSyslog(ref rest, out var syslogSeconds))
            {
                seconds ??= syslogSeconds;
                format = format == KernelLogFormat.Plain ? KernelLogFormat.Syslog : format;
                continue;
            }

            if (TryStripBracket(ref rest, out var bracketSeconds, out var bracketFormat))
            {
                // A dmesg timestamp inside a syslog line is the more precise clock; prefer it.
                if (bracketSeconds is not null && (seconds is null || bracketFormat == KernelLogFormat.Dmesg))
                {
                    seconds = bracketSeconds;
                }

                if (format == KernelLogFormat.Plain && bracketFormat is not null)
                {
                    format = bracketFormat.Value;
                }

                continue;
            }

            break;
        }

        return new ParsedLogLine(UnescapeJoins(rest), seconds, format);
    }

    /// <summary>
    /// True when the line continues the previous record: it starts with white space and carries no
    /// timestamp of its own. dmesg and journalctl indent the second and later lines of one
    /// <c>printk</c> that way (<c>               NVRM: BAR0 is 0M @ 0x0</c>); <c>/dev/kmsg</c> indents
    /// its dictionary lines (<c> SUBSYSTEM=pci</c>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool IsContinuation(ReadOnlySpan<char> line)
    {
        if (line.Length < 2 || (line[0] != ' ' && line[0] != '\t'))
        {
            return false;
        }

        var rest = line.TrimStart();
        if (rest.IsEmpty)
        {
            return false;
        }

        // "   [  273.44] msg" is an indented but complete line (pasted logs), not a continuation.
        return !(rest[0] == '[' && rest.IndexOf(']') > 0 && TryStripBracket(ref rest, out _, out var f) && f is not null);
    }

    /// <summary>The text a continuation line adds to its record: trimmed, without a repeated <c>NVRM: </c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static string ContinuationText(ReadOnlySpan<char> line)
    {
        var rest = line.Trim();
        if (rest.StartsWith(NvrmPrefix, StringComparison.Ordinal))
        {
            rest = rest[NvrmPrefix.Length..];
        }

        return UnescapeJoins(rest);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static string UnescapeJoins(ReadOnlySpan<char> message)
    {
        if (message.IndexOf(SyslogEscapedNewline, StringComparison.Ordinal) < 0 && message.IndexOf("\\x0a", StringComparison.Ordinal) < 0)
        {
            return message.ToString();
        }

        var text = message.ToString()
            .Replace(SyslogEscapedNewline + NvrmPrefix, " ", StringComparison.Ordinal)
            .Replace(SyslogEscapedNewline, " ", StringComparison.Ordinal)
            .Replace("\\x0a" + NvrmPrefix, " ", StringComparison.Ordinal)
            .Replace("\\x0a", " ", StringComparison.Ordinal);
        return text;
    }

    // /dev/kmsg (Documentation/ABI/testing/dev-kmsg): "prefix,seq,usec,flags[,more];message".
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool TryParseKmsg(ReadOnlySpan<char> line, out ParsedLogLine parsed)
    {
        parsed = default;
        var semicolon = line.IndexOf(';');
        if (semicolon < 5 || semicolon > 64)
        {
            return false;
        }

        var header = line[..semicolon];
        Span<Range> fields = stackalloc Range[6];
        var count = header.Split(fields, ',');
        if (count < 4)
        {
            return false;
        }

        if (!IsDigits(header[fields[0]]) || !IsDigits(header[fields[1]]) || !IsDigits(header[fields[2]]))
        {
            return false;
        }

        if (!long.TryParse(header[fields[2]], NumberStyles.None, CultureInfo.InvariantCulture, out var usec))
        {
            return false;
        }

        parsed = new ParsedLogLine(UnescapeJoins(line[(semicolon + 1)..]), usec / 1_000_000.0, KernelLogFormat.Kmsg);
        return true;
    }

    // "Mon DD HH:MM:SS host ident: " — the month is a word in any locale ("ott", "Aug", "Dez").
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool TryStripSyslog(ref ReadOnlySpan<char> rest, out double? seconds)
    {
        seconds = null;
        var s = rest;
        var i = 0;
        while (i < s.Length && i < 6 && char.IsLetter(s[i]))
        {
            i++;
        }

        if (i < 2 || i >= s.Length || s[i] != ' ')
        {
            return false;
        }

        while (i < s.Length && s[i] == ' ')
        {
            i++;
        }

        var dayStart = i;
        while (i < s.Length && char.IsAsciiDigit(s[i]))
        {
            i++;
        }

        if (i - dayStart is < 1 or > 2 || i >= s.Length || s[i] != ' ')
        {
            return false;
        }

        var day = int.Parse(s[dayStart..i], CultureInfo.InvariantCulture);
        i++;
        if (!TryReadClock(s, ref i, out var clock) || i >= s.Length || s[i] != ' ')
        {
            return false;
        }

        i++;
        seconds = (day * 86400.0) + clock;
        rest = SkipHostAndIdent(s[i..]);
        return true;
    }

    // "2025-08-16T00:03:03.937586-04:00 host ident: "
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool TryStripSyslogIso(ref ReadOnlySpan<char> rest, out double? seconds)
    {
        seconds = null;
        if (rest.Length < 20 || !char.IsAsciiDigit(rest[0]) || rest[4] != '-' || rest[7] != '-' || rest[10] != 'T')
        {
            return false;
        }

        var end = rest.IndexOfAny(' ', '\t');
        if (end < 0)
        {
            return false;
        }

        if (!DateTimeOffset.TryParse(rest[..end], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when))
        {
            return false;
        }

        seconds = when.ToUnixTimeMilliseconds() / 1000.0;
        rest = SkipHostAndIdent(rest[(end + 1)..]);
        return true;
    }

    // After a syslog time: "host ident: msg", "host ident[pid]: msg" or "host [  1.2] msg" (no ident).
    private static ReadOnlySpan<char> SkipHostAndIdent(ReadOnlySpan<char> s)
    {
        s = s.TrimStart(' ');
        var hostEnd = s.IndexOf(' ');
        if (hostEnd <= 0)
        {
            return s;
        }

        var afterHost = s[(hostEnd + 1)..];
        var identEnd = afterHost.IndexOf(": ", StringComparison.Ordinal);
        var space = afterHost.IndexOf(' ');
        if (identEnd > 0 && (space < 0 || space > identEnd) && afterHost[0] != '[')
        {
            return afterHost[(identEnd + 2)..];
        }

        return afterHost;
    }

    // "[ 12.345]", "[Fri Mar  3 04:44:24 2023]", "[Feb22 04:01]", "[  +0.000001]", "[    T0]", "[2026-04-22T21:30:51.52Z]:".
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool TryStripBracket(ref ReadOnlySpan<char> rest, out double? seconds, out KernelLogFormat? format)
    {
        seconds = null;
        format = null;
        if (rest.Length < 3 || rest[0] != '[')
        {
            return false;
        }

        var close = rest.IndexOf(']');
        if (close < 2 || close > 40)
        {
            return false;
        }

        var inner = rest[1..close].Trim();
        var after = rest[(close + 1)..];
        if (after.StartsWith(":", StringComparison.Ordinal))
        {
            after = after[1..];
        }

        if (TryParseMonotonic(inner, out var mono))
        {
            seconds = mono;
            format = KernelLogFormat.Dmesg;
        }
        else if (inner.Length > 1 && inner[0] == '+' && TryParseMonotonic(inner[1..], out _))
        {
            format = KernelLogFormat.DmesgHuman;
        }
        else if (IsCallerId(inner))
        {
            format = null;
        }
        else if (DateTime.TryParseExact(CollapseSpaces(inner), CtimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var ctime))
        {
            seconds = new DateTimeOffset(ctime, TimeSpan.Zero).ToUnixTimeMilliseconds() / 1000.0;
            format = KernelLogFormat.DmesgCtime;
        }
        else if (inner.Length >= 19 && char.IsAsciiDigit(inner[0]) && inner[4] == '-' && inner[10] == 'T'
                 && DateTimeOffset.TryParse(inner, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var iso))
        {
            seconds = iso.ToUnixTimeMilliseconds() / 1000.0;
            format = KernelLogFormat.SyslogIso;
        }
        else if (IsHumanDate(inner))
        {
            format = KernelLogFormat.DmesgHuman;
        }
        else
        {
            return false;
        }

        rest = after.TrimStart(' ');
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool TryParseMonotonic(ReadOnlySpan<char> s, out double value)
    {
        value = 0;
        var dot = s.IndexOf('.');
        if (dot < 1 || dot == s.Length - 1 || !IsDigits(s[..dot]) || !IsDigits(s[(dot + 1)..]))
        {
            return false;
        }

        return double.TryParse(s, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value);
    }

    // CONFIG_PRINTK_CALLER: "T123" (task) or "C4" (CPU).
    private static bool IsCallerId(ReadOnlySpan<char> s) =>
        s.Length >= 2 && (s[0] == 'T' || s[0] == 'C') && IsDigits(s[1..]);

    // dmesg -H: "Feb22 04:01".
    private static bool IsHumanDate(ReadOnlySpan<char> s) =>
        s.Length is >= 10 and <= 14 && char.IsLetter(s[0]) && s.IndexOf(':') > 0 && s.IndexOf(' ') > 0;

    private static bool TryReadClock(ReadOnlySpan<char> s, ref int i, out double seconds)
    {
        seconds = 0;
        if (i + 8 > s.Length || s[i + 2] != ':' || s[i + 5] != ':')
        {
            return false;
        }

        var h = s.Slice(i, 2);
        var m = s.Slice(i + 3, 2);
        var sec = s.Slice(i + 6, 2);
        if (!IsDigits(h) || !IsDigits(m) || !IsDigits(sec))
        {
            return false;
        }

        seconds = (int.Parse(h, CultureInfo.InvariantCulture) * 3600) + (int.Parse(m, CultureInfo.InvariantCulture) * 60) + int.Parse(sec, CultureInfo.InvariantCulture);
        i += 8;
        return true;
    }

    private static bool IsDigits(ReadOnlySpan<char> s)
    {
        if (s.IsEmpty)
        {
            return false;
        }

        foreach (var c in s)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    private static string CollapseSpaces(ReadOnlySpan<char> s)
    {
        var sb = new StringBuilder(s.Length);
        var lastSpace = false;
        foreach (var c in s)
        {
            if (c == ' ')
            {
                if (!lastSpace)
                {
                    sb.Append(c);
                }

                lastSpace = true;
                continue;
            }

            lastSpace = false;
            sb.Append(c);
        }

        return sb.ToString();
    }

    // journalctl -o json: {"MESSAGE":"…","__REALTIME_TIMESTAMP":"1700000000000000",…}. MESSAGE may be an
    // array of byte values when it is not valid UTF-8.
    private static bool TryParseJournalJson(ReadOnlySpan<char> line, out ParsedLogLine parsed)
    {
        parsed = default;
        var bytes = Encoding.UTF8.GetBytes(line.ToArray());
        string? message = null;
        double? seconds = null;
        try
        {
            var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { MaxDepth = 4 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                if (!reader.Read())
                {
                    return false;
                }

                if (name == "MESSAGE" && reader.TokenType == JsonTokenType.String)
                {
                    message = reader.GetString();
                }
                else if (name == "MESSAGE" && reader.TokenType == JsonTokenType.StartArray)
                {
                    var raw = new List<byte>();
                    while (reader.Read() && reader.TokenType == JsonTokenType.Number)
                    {
                        raw.Add(reader.TryGetByte(out var b) ? b : (byte)'?');
                    }

                    message = Encoding.UTF8.GetString(raw.ToArray());
                }
                else if (name == "__REALTIME_TIMESTAMP" && reader.TokenType == JsonTokenType.String
                         && long.TryParse(reader.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var usec))
                {
                    seconds = usec / 1_000_000.0;
                }
                else
                {
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
            return false;
        }

        if (message is null)
        {
            return false;
        }

        var text = message.Replace('\n', ' ');
        var inner = Parse(text.AsSpan(), allowJson: false);
        parsed = new ParsedLogLine(inner.Message, seconds ?? inner.Seconds, KernelLogFormat.JournalJson);
        return true;
    }
}
