using System.Diagnostics;
using System.Text;
using CvmCheck.Core.Diagnosis;
using CvmCheck.Core.Facts;
using CvmCheck.Core.KernelLog;
using CvmCheck.Core.Rules;

namespace CvmCheck.Core.Tests.Diagnosis;

/// <summary>Matcher semantics on small signatures built in code (the built-in knowledge base is tested in
/// CvmCheck.Policy.Tests). Log lines are real corpus lines unless a test says otherwise.</summary>
public sealed class MatcherTests
{
    private static Signature Sig(string id, params SignaturePattern[] patterns) =>
        new() { Id = id, Title = id, Severity = Severity.High, Matches = patterns, Remediation = "fix" };

    private static SignaturePattern P(string regex, int minCount = 1, FollowUp? then = null) =>
        new() { Line = LinePattern.Create(regex), MinCount = minCount, Then = then };

    private static readonly SignatureSet Set = new(
    [
        Sig("gpu.rm-init-failed", P(@"RmInitAdapter failed! \((?<code>[^)]+)\)")),
        Sig("test.twice", P("DRHD: handling fault status reg", minCount: 2)),
        Sig("test.sequence", P("is being removed", then: new FollowUp { Line = LinePattern.Create(@"rdma_disconnect failed"), WithinLines = 2 })),
        Sig("test.seconds", P("Heartbeat timed out", then: new FollowUp { Line = LinePattern.Create("GSP Timeout"), WithinSeconds = 30 })),
    ]);

    private static IReadOnlyList<CvmCheck.Core.Diagnosis.Diagnosis> ViaStream(string text) =>
        SignatureMatcher.Match(Set, new MemoryStream(Encoding.UTF8.GetBytes(text)), "log", new FactSet());

    private static IReadOnlyList<CvmCheck.Core.Diagnosis.Diagnosis> ViaLines(string text) =>
        SignatureMatcher.Match(Set, text.Split('\n').Select((t, i) => new KernelLogLine("log", i + 1, t)), new FactSet());

    [Fact]
    public void Stream_and_line_entry_points_agree_on_ids_lines_and_captures()
    {
        var text = File.ReadAllText(CvmCheck.Testing.Repo.Fixture("logs", "xid48-dbe-and-rminit-failed.log"));
        var a = ViaStream(text);
        var b = ViaLines(text.TrimEnd('\n'));
        Assert.Equal(a.Select(d => (d.Id, d.Occurrences, string.Join(",", d.Evidence.Select(e => e.Line)))), b.Select(d => (d.Id, d.Occurrences, string.Join(",", d.Evidence.Select(e => e.Line)))));
        var rm = Assert.Single(a);
        Assert.Equal(3, rm.Occurrences);
        Assert.Equal("0x24:0x72:1568", rm.Captures["code"]);
        Assert.Equal([2, 6, 8], rm.Evidence.Select(e => e.Line!.Value));
    }

    [Fact]
    public void Min_count_requires_that_many_occurrences()
    {
        Assert.Empty(ViaStream("[  139.513963] DMAR: DRHD: handling fault status reg 3\n"));
        Assert.Equal("test.twice", Assert.Single(ViaStream("[  139.5] DMAR: DRHD: handling fault status reg 3\n[  144.4] DMAR: DRHD: handling fault status reg 3\n")).Id);
    }

    [Fact]
    public void Then_requires_the_second_line_after_the_first_within_the_line_window()
    {
        const string removed = "rdma.c:3532:nvmf_rdma_handle_device_removal: *NOTICE*: Port 192.168.100.9:4420 on device mlx5_1 is being removed.";
        const string failed = "rdma_verbs.c: 113:spdk_rdma_qp_disconnect: *ERROR*: rdma_disconnect failed, errno Invalid argument (22)";
        Assert.Single(ViaStream($"{removed}\n{failed}\n"));
        Assert.Empty(ViaStream($"{failed}\n{removed}\n"));
        Assert.Empty(ViaStream($"{removed}\nx\ny\nz\n{failed}\n"));
    }

    [Fact]
    public void Then_within_seconds_uses_the_log_timestamps()
    {
        const string first = "NVRM: GPU6 _kgspIsHeartbeatTimedOut: Heartbeat timed out, currentTimeMs 812751949";
        const string second = "NVRM: GPU6 _kgspLogRpcTimeout: ********************************* GSP Timeout **********************************";
        Assert.Single(ViaStream($"[   24.302465] {first}\n[   44.300488] {second}\n"));
        Assert.Empty(ViaStream($"[   24.302465] {first}\n[   84.300488] {second}\n"));
    }

    [Fact]
    public void A_guard_is_satisfied_without_facts_and_decides_with_facts()
    {
        var guarded = new SignatureSet([Sig("gpu.rm-init-failed", P("RmInitAdapter failed!")) with
        {
            When = new FactCondition(FactNames.TdxGuestDetected, [new EqualsTest("true")], SourcePosition.None),
        }]);
        const string line = "[  274.462399] NVRM: GPU 0000:01:00.0: RmInitAdapter failed! (0x62:0x65:1792)\n";
        var host = new FactSet();
        host.Add(Fact.Of(FactNames.TdxGuestDetected, false, "proc/cpuinfo"));
        var guest = new FactSet();
        guest.Add(Fact.Of(FactNames.TdxGuestDetected, true, "proc/cpuinfo"));
        Assert.Single(SignatureMatcher.Match(guarded, new MemoryStream(Encoding.UTF8.GetBytes(line)), "log", new FactSet()));
        Assert.Empty(SignatureMatcher.Match(guarded, new MemoryStream(Encoding.UTF8.GetBytes(line)), "log", host));
        Assert.Single(SignatureMatcher.Match(guarded, new MemoryStream(Encoding.UTF8.GetBytes(line)), "log", guest));
    }

    [Fact]
    public void Evidence_is_bounded_while_occurrences_are_counted()
    {
        var line = "[   21.091872] NVRM: GPU 0000:01:00.0: RmInitAdapter failed! (0x22:0x56:894)\n";
        var d = Assert.Single(ViaStream(string.Concat(Enumerable.Repeat(line, 1000))));
        Assert.Equal(1000, d.Occurrences);
        Assert.Equal(MatchSession.MaxEvidencePerDiagnosis, d.Evidence.Count);
    }

    [Fact]
    public void Line_numbers_stay_right_across_read_blocks()
    {
        // Synthetic: 300k filler lines push the match past several 1 MiB blocks.
        var sb = new StringBuilder();
        for (var i = 0; i < 300_000; i++)
        {
            sb.Append("[    1.000000] pci 0000:00:02.0: filler line\n");
        }

        sb.Append("[   21.091872] NVRM: GPU 0000:01:00.0: RmInitAdapter failed! (0x22:0x56:894)\n");
        var d = Assert.Single(ViaStream(sb.ToString()));
        Assert.Equal(300_001, d.Evidence[0].Line);
    }
}
