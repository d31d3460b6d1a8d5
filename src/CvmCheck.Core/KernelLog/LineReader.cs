using System.Text;

namespace CvmCheck.Core.KernelLog;

/// <summary>
/// Splits a byte stream into lines without loading it whole. Robust to what real logs contain: CRLF,
/// invalid UTF-8 (replaced), NUL bytes, and single lines of many megabytes (cut at
/// <see cref="MaxLineChars"/>; the rest of that line is skipped, so memory stays bounded).
/// </summary>
public static class LineReader
{
    public const int MaxLineChars = 64 * 1024;

    public static IEnumerable<(int Number, string Text)> Read(Stream stream)
    {
        using var reader = new StreamReader(stream, new UTF8Encoding(false, false), detectEncodingFromByteOrderMarks: false, bufferSize: 64 * 1024, leaveOpen: true);
        var buffer = new char[64 * 1024];
        var line = new StringBuilder();
        var number = 0;
        var overflow = false;
        var lastWasCr = false;
        int read;
        while ((read = reader.Read(buffer, 0, buffer.Length)) > 0)
        {
            for (var i = 0; i < read; i++)
            {
                var c = buffer[i];
                if (c == '\n' || c == '\r')
                {
                    if (c == '\n' && lastWasCr)
                    {
                        lastWasCr = false;
                        continue;
                    }

                    lastWasCr = c == '\r';
                    number++;
                    yield return (number, line.ToString());
                    line.Clear();
                    overflow = false;
                    continue;
                }

                lastWasCr = false;
                if (overflow)
                {
                    continue;
                }

                if (line.Length >= MaxLineChars)
                {
                    overflow = true;
                    continue;
                }

                line.Append(c == '\0' ? ' ' : c);
            }
        }

        if (line.Length > 0)
        {
            yield return (number + 1, line.ToString());
        }
    }
}
