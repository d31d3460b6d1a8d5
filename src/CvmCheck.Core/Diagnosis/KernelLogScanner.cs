using System.Runtime.CompilerServices;
using System.Text;
using CvmCheck.Formats.KernelLog;

namespace CvmCheck.Core.Diagnosis;

/// <summary>
/// Scans a raw log stream for records worth matching, without splitting every line: bytes are decoded in
/// blocks, one vectorised multi-literal search runs over each block, and only around a hit is the line found,
/// its record (with continuation lines) assembled and handed over. Line numbers are counted with a
/// vectorised newline count. Memory is bounded by the block size; a block is cut before its last record,
/// so a record never straddles two blocks (except a single line longer than a block, which is matched in
/// block-sized pieces). Invalid UTF-8 is replaced, NUL bytes are kept, CRLF is handled.
/// </summary>
internal static class KernelLogScanner
{
    public const int ReadBlockBytes = 1 << 20;
    private const int BufferChars = 4 << 20;
    private const int MaxCarryChars = 2 << 20;

    public delegate void RecordHandler(in LogRecord record);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Scan(SignatureSet set, Stream stream, string artifact, RecordHandler onRecord)
    {
        var decoder = new UTF8Encoding(false, false).GetDecoder();
        var bytes = new byte[ReadBlockBytes];
        var buffer = new char[BufferChars];
        var length = 0;
        var lineNumber = 1; // number of the line that starts at buffer[0]
        var eof = false;
        while (!eof)
        {
            var read = stream.Read(bytes, 0, bytes.Length);
            eof = read == 0;
            var decoded = decoder.GetChars(bytes, 0, read, buffer, length, flush: eof);
            buffer.AsSpan(length, decoded).Replace('\0', ' '); // as LineReader does: NUL never hides a literal
            length += decoded;
            var cut = eof ? length : CutPoint(buffer.AsSpan(0, length));
            if (cut == 0)
            {
                if (length < MaxCarryChars)
                {
                    continue;
                }

                cut = length; // one enormous line: match it piecewise
            }

            lineNumber = ScanRegion(set, buffer.AsMemory(0, cut), artifact, lineNumber, onRecord);
            buffer.AsSpan(cut, length - cut).CopyTo(buffer);
            length -= cut;
        }
    }

    /// <summary>Where a block may end: before the start of its last record (which may continue in the
    /// next block). 0 when no whole record is in the block yet.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int CutPoint(ReadOnlySpan<char> block)
    {
        var lastNewline = block.LastIndexOf('\n');
        if (lastNewline < 0)
        {
            return 0;
        }

        var start = LineStart(block, lastNewline);
        for (var steps = 0; steps < SignatureMatcher.MaxContinuationLines && start > 0 && KernelLogLineParser.IsContinuation(LineAt(block, start)); steps++)
        {
            start = LineStart(block, start - 1);
        }

        // A block always begins at a record boundary, so a last record that starts at 0 is not complete
        // yet: read more (bounded by MaxCarryChars). Cutting at the last newline instead split such a
        // record in two when the stream ended without a newline (found by fuzzing).
        return start;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int ScanRegion(SignatureSet set, ReadOnlyMemory<char> block, string artifact, int lineNumber, RecordHandler onRecord)
    {
        var region = block.Span;
        var position = 0;
        var counted = 0;
        var everyRecord = set.UnfilteredPatterns.Count > 0;
        var search = new KeySearch(set);
        while (position < region.Length)
        {
            int hit;
            if (everyRecord)
            {
                hit = position;
            }
            else
            {
                hit = search.Next(region, position);
                if (hit < 0)
                {
                    break;
                }
            }

            var start = LineStart(region, hit);
            for (var steps = 0; steps < SignatureMatcher.MaxContinuationLines && start > position && KernelLogLineParser.IsContinuation(LineAt(region, start)); steps++)
            {
                start = LineStart(region, start - 1);
            }

            start = Math.Max(start, position);
            var end = NextLineStart(region, start);
            for (var steps = 0; steps < SignatureMatcher.MaxContinuationLines && end < region.Length && KernelLogLineParser.IsContinuation(LineAt(region, end)); steps++)
            {
                end = NextLineStart(region, end);
            }

            lineNumber += region[counted..start].Count('\n');
            counted = start;
            var recordSpan = region[start..end];
            var newline = recordSpan.IndexOf('\n');
            onRecord(newline < 0 || newline == recordSpan.Length - 1
                ? SignatureMatcher.BuildRecord(artifact, lineNumber, block.Slice(start, newline < 0 ? recordSpan.Length : newline))
                : SignatureMatcher.BuildRecord(artifact, lineNumber, SplitLines(recordSpan)));
            position = end;
        }

        return lineNumber + region[counted..].Count('\n');
    }

    private static List<string> SplitLines(ReadOnlySpan<char> span)
    {
        var lines = new List<string>();
        foreach (var range in span.Split('\n'))
        {
            lines.Add(span[range].ToString());
        }

        if (lines.Count > 1 && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        return lines;
    }

    private static int LineStart(ReadOnlySpan<char> s, int index) =>
        index <= 0 ? 0 : s[..index].LastIndexOf('\n') + 1;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int NextLineStart(ReadOnlySpan<char> s, int start)
    {
        var nl = s[start..].IndexOf('\n');
        return nl < 0 ? s.Length : start + nl + 1;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static ReadOnlySpan<char> LineAt(ReadOnlySpan<char> s, int start)
    {
        var nl = s[start..].IndexOf('\n');
        var line = nl < 0 ? s[start..] : s.Slice(start, nl);
        return line.Length > 256 ? line[..256] : line;
    }
}
