namespace CvmCheck.Formats.Spdm;

/// <summary>
/// Report files come as hex text (NVIDIA's samples, nvtrust's <c>attestationReport.txt</c>) or as raw
/// bytes. A raw report starts with the SPDM version byte 0x1X, which is never an ASCII hex digit, so
/// the two cannot be confused.
/// </summary>
public static class SpdmReportFile
{
    /// <summary>Decodes file content: hex text (whitespace ignored, optional 0x prefix) or raw binary.</summary>
    public static byte[] Decode(ReadOnlySpan<byte> content)
    {
        var trimmed = Trim(content);
        if (trimmed.Length > 0 && IsHexText(trimmed))
        {
            return FromHexText(trimmed);
        }

        return content.ToArray();
    }

    private static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> s)
    {
        s = s.Trim(" \t\r\n"u8);
        if (s.Length >= 2 && s[0] == (byte)'0' && (s[1] | 0x20) == (byte)'x')
        {
            s = s[2..];
        }

        return s;
    }

    private static bool IsHexText(ReadOnlySpan<byte> s)
    {
        var digits = 0;
        foreach (var c in s)
        {
            if (char.IsAsciiHexDigit((char)c))
            {
                digits++;
            }
            else if (c is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
            {
                return false;
            }
        }

        return digits % 2 == 0;
    }

    private static byte[] FromHexText(ReadOnlySpan<byte> s)
    {
        var chars = new char[s.Length];
        var n = 0;
        foreach (var c in s)
        {
            if (char.IsAsciiHexDigit((char)c))
            {
                chars[n++] = (char)c;
            }
        }

        return Convert.FromHexString(chars.AsSpan(0, n));
    }
}
