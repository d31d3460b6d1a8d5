using System.Text;
using CvmCheck.Core.KernelLog;

namespace CvmCheck.Core.Tests.KernelLog;

public sealed class LineReaderTests
{
    private static List<(int Number, string Text)> Read(byte[] bytes) => LineReader.Read(new MemoryStream(bytes)).ToList();

    [Fact]
    public void Lf_crlf_and_a_missing_final_newline_all_split_lines()
    {
        var lines = Read("a\r\nb\nc"u8.ToArray());
        Assert.Equal([(1, "a"), (2, "b"), (3, "c")], lines);
    }

    [Fact]
    public void Invalid_utf8_and_nul_bytes_are_replaced_not_fatal()
    {
        var lines = Read([0x61, 0xFF, 0xFE, 0x00, 0x62, 0x0A]);
        var line = Assert.Single(lines);
        Assert.StartsWith("a", line.Text, StringComparison.Ordinal);
        Assert.EndsWith(" b", line.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_ten_megabyte_line_is_cut_and_the_next_line_still_read()
    {
        var big = new byte[10 * 1024 * 1024];
        Array.Fill(big, (byte)'x');
        var bytes = big.Concat("\nNVRM: next\n"u8.ToArray()).ToArray();
        var lines = Read(bytes);
        Assert.Equal(2, lines.Count);
        Assert.Equal(LineReader.MaxLineChars, lines[0].Text.Length);
        Assert.Equal((2, "NVRM: next"), lines[1]);
    }

    [Fact]
    public void An_empty_stream_has_no_lines() => Assert.Empty(Read([]));

    [Fact]
    public void Line_numbers_count_blank_lines() =>
        Assert.Equal([(1, ""), (2, ""), (3, "x")], Read(Encoding.UTF8.GetBytes("\n\nx\n")));
}
