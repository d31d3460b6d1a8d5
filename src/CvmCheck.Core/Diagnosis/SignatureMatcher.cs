using System.Runtime.CompilerServices;
using System.Text;
using CvmCheck.Core.Facts;
using CvmCheck.Core.KernelLog;
using CvmCheck.Formats.KernelLog;

namespace CvmCheck.Core.Diagnosis;

/// <summary>
/// Applies a <see cref="SignatureSet"/> to a kernel log in one streaming pass (DESIGN.md §5). Pure: lines
/// and facts in, diagnoses out. Two entry points with the same results: <see cref="Match(SignatureSet, IEnumerable{KernelLogLine}, FactSet)"/>
/// for lines from any source, and <see cref="Match(SignatureSet, Stream, string, FactSet)"/>, which scans raw
/// bytes in large blocks and builds records only around lines that contain a signature literal.
/// </summary>
public static class SignatureMatcher
{
    /// <summary>At most this many indented lines are joined to one record (bounded memory on odd input).</summary>
    public const int MaxContinuationLines = 64;

    /// <summary>A record's message is cut at this many characters.</summary>
    public const int MaxRecordChars = 64 * 1024;

    public static IReadOnlyList<Diagnosis> Match(SignatureSet set, IEnumerable<KernelLogLine> lines, FactSet facts)
    {
        var session = new MatchSession(set);
        var pending = new List<KernelLogLine>();
        var candidate = false;

        void Flush()
        {
            if (pending.Count > 0 && candidate)
            {
                session.Observe(pending.Count == 1
                    ? BuildRecord(pending[0].Artifact, pending[0].Number, pending[0].Text.AsMemory())
                    : BuildRecord(pending[0].Artifact, pending[0].Number, pending.Select(l => l.Text)));
            }

            pending.Clear();
            candidate = false;
        }

        foreach (var line in lines)
        {
            var continues = pending.Count > 0 && pending.Count <= MaxContinuationLines
                && pending[0].Artifact == line.Artifact && KernelLogLineParser.IsContinuation(line.Text);
            if (!continues)
            {
                Flush();
            }

            pending.Add(line);
            candidate |= set.MayMatch(line.Text);
        }

        Flush();
        return session.Finish(facts);
    }

    public static IReadOnlyList<Diagnosis> Match(SignatureSet set, Stream log, string artifact, FactSet facts)
    {
        var session = new MatchSession(set);
        KernelLogScanner.Scan(set, log, artifact, (in LogRecord r) => session.Observe(r));
        return session.Finish(facts);
    }

    /// <summary>A record of one line (the common case), without joining.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static LogRecord BuildRecord(string artifact, int lineNumber, ReadOnlyMemory<char> line)
    {
        line = line.TrimEnd('\r');
        if (line.Length > MaxRecordChars)
        {
            line = line[..MaxRecordChars];
        }

        var head = KernelLogLineParser.Parse(line.Span);
        var text = line.TrimEnd();
        return new LogRecord(artifact, lineNumber, head.Message, head.Seconds, text.Length > MatchSession.MaxEvidenceTextChars ? text[..MatchSession.MaxEvidenceTextChars] : text);
    }

    /// <summary>Joins a line and its continuation lines into one record.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static LogRecord BuildRecord(string artifact, int firstLine, IEnumerable<string> physicalLines)
    {
        ParsedLogLine head = default;
        var message = new StringBuilder();
        var text = new StringBuilder();
        var first = true;
        foreach (var raw in physicalLines)
        {
            var line = raw.AsSpan().TrimEnd('\r');
            if (first)
            {
                head = KernelLogLineParser.Parse(line);
                Append(message, head.Message);
                Append(text, line.TrimEnd());
                first = false;
                continue;
            }

            if (message.Length < MaxRecordChars)
            {
                message.Append(' ');
                Append(message, KernelLogLineParser.ContinuationText(line));
            }

            if (text.Length < MatchSession.MaxEvidenceTextChars)
            {
                text.Append(' ');
                Append(text, line.Trim());
            }
        }

        return new LogRecord(artifact, firstLine, message.ToString(), head.Seconds, text.ToString().AsMemory());
    }

    private static void Append(StringBuilder sb, ReadOnlySpan<char> value)
    {
        var room = MaxRecordChars - sb.Length;
        if (room > 0)
        {
            sb.Append(value.Length > room ? value[..room] : value);
        }
    }
}
