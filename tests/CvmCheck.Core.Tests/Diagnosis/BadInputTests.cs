using System.Diagnostics;
using System.Text;
using CvmCheck.Core.Diagnosis;
using CvmCheck.Core.Facts;
using CvmCheck.Core.Rules;

namespace CvmCheck.Core.Tests.Diagnosis;

/// <summary>Hostile and odd input (synthetic by nature): no crash, bounded time, still finds what is there.</summary>
public sealed class BadInputTests
{
    private const string RmLine = "[   21.091872] NVRM: GPU 0000:01:00.0: RmInitAdapter failed! (0x22:0x56:894)";

    private static readonly SignatureSet Set = new(
    [
        new Signature
        {
            Id = "gpu.rm-init-failed", Title = "t", Severity = Severity.Critical, Remediation = "r",
            Matches = [new SignaturePattern { Line = LinePattern.Create(@"RmInitAdapter failed! \((?<code>[^)]+)\)") }],
        },
        new Signature
        {
            Id = "gpu.xid79-fallen-off-bus", Title = "t", Severity = Severity.Critical, Remediation = "r",
            Matches = [new SignaturePattern { Line = LinePattern.Create("fallen off the bus and is not responding to commands") }],
        },
    ]);

    private static IReadOnlyList<CvmCheck.Core.Diagnosis.Diagnosis> Run(byte[] bytes) =>
        SignatureMatcher.Match(Set, new MemoryStream(bytes), "log", new FactSet());

    [Fact]
    public void Empty_input_gives_no_diagnosis()
    {
        Assert.Empty(Run([]));
    }

    [Fact]
    public void Binary_garbage_does_not_crash()
    {
        var random = new Random(42);
        var bytes = new byte[3 << 20];
        random.NextBytes(bytes);
        Assert.Empty(Run(bytes));
    }

    [Fact]
    public void Invalid_utf8_around_a_real_line_is_replaced_and_the_line_still_matches()
    {
        var bytes = new byte[] { 0xff, 0xfe, 0xc3, 0x28, 0x0a }.Concat(Encoding.UTF8.GetBytes(RmLine)).Concat(new byte[] { 0x0a, 0xed, 0xa0, 0x80, 0x0a }).ToArray();
        var d = Assert.Single(Run(bytes));
        Assert.Equal(2, d.Evidence[0].Line);
    }

    [Fact]
    public void Crlf_line_endings_are_handled()
    {
        var text = "[    1.0] hello\r\n" + RmLine + "\r\n";
        var d = Assert.Single(Run(Encoding.UTF8.GetBytes(text)));
        Assert.Equal(2, d.Evidence[0].Line);
        Assert.DoesNotContain('\r', d.Evidence[0].Text!);
        Assert.Equal("0x22:0x56:894", d.Captures["code"]);
    }

    [Fact]
    public void A_10_MB_single_line_is_matched_in_linear_time_and_later_lines_keep_their_numbers()
    {
        var huge = new StringBuilder(10_000_100);
        while (huge.Length < 10_000_000)
        {
            huge.Append("RmInitAdapter failed! (aaaa ");
        }

        var text = huge + "\n" + RmLine + "\n";
        var watch = Stopwatch.StartNew();
        var d = Assert.Single(Run(Encoding.UTF8.GetBytes(text)));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"took {watch.Elapsed}");
        Assert.Contains(d.Evidence, e => e.Line == 2);
        Assert.All(d.Evidence, e => Assert.True(e.Text!.Length <= MatchSession.MaxEvidenceTextChars + 1));
    }

    [Fact]
    public void Many_indented_lines_do_not_grow_a_record_without_bound()
    {
        var text = RmLine + "\n" + string.Concat(Enumerable.Repeat("               NVRM: continuation\n", 200_000));
        var watch = Stopwatch.StartNew();
        Assert.Single(Run(Encoding.UTF8.GetBytes(text)));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"took {watch.Elapsed}");
    }

    [Fact]
    public void Interleaved_journals_keep_multi_line_messages_of_each_source_apart()
    {
        // Two hosts' journal lines interleaved (synthetic order of real corpus lines).
        var text = string.Join('\n',
            "[ 1843.308145] NVRM: The NVIDIA GPU 0000:b3:00.0",
            "               NVRM: (PCI ID: 10de:26b5) installed in this system has",
            "               NVRM: fallen off the bus and is not responding to commands.",
            "Dec  2 11:38:46 worker4 kernel: [  218.250408] NVRM: GPU 0000:0a:00.0: RmInitAdapter failed! (0x24:0x72:1568)",
            "Aug 26 14:08:07 other kernel: NVRM: unrelated",
            string.Empty);
        var ids = Run(Encoding.UTF8.GetBytes(text)).ToDictionary(d => d.Id);
        Assert.Equal(1, ids["gpu.xid79-fallen-off-bus"].Evidence[0].Line);
        Assert.Equal(4, ids["gpu.rm-init-failed"].Evidence[0].Line);
    }

    [Fact]
    public void Nul_bytes_inside_a_line_do_not_hide_it()
    {
        var bytes = Encoding.UTF8.GetBytes("\0\0\0" + RmLine + "\0\n");
        Assert.Single(Run(bytes));
    }
}
